// The built-ins the loader and the facade rely on, captured once when
// candor.js (or the npm package) is evaluated, before any page script can
// run again: a page that later breaks `Reflect.apply`, `String.prototype`
// methods or `addEventListener` changes nothing Candor calls. Shared by
// facade.js, boot.js, script.js and index.js. (dom.js keeps its own: it is
// a wasm-bindgen snippet, which cannot import other local files.)

export const apply = Reflect.apply;
/** `fn.call(self, ...args)` without looking up `call`. */
export const call = (fn, self, ...args) => apply(fn, self, args);
export const win = window;
export const doc = document;
export const URLCtor = URL;
export const PromiseCtor = Promise;
export const ErrorCtor = Error;
export const freeze = Object.freeze;
export const getOwnProperty = Object.getOwnPropertyDescriptor;
export const arrayPush = Array.prototype.push;
export const arrayIndexOf = Array.prototype.indexOf;
export const stringSlice = String.prototype.slice;
export const stringIndexOf = String.prototype.indexOf;
export const stringSplit = String.prototype.split;
export const stringToLower = String.prototype.toLowerCase;
export const getAttribute = Element.prototype.getAttribute;
export const addListener = EventTarget.prototype.addEventListener;
export const setTimeoutFn = win.setTimeout;
