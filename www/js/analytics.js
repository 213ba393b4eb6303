// A stand-in for a real analytics tag. The shop injects it only once
// "analytics" is allowed; it stops counting if that choice is withdrawn.
(() => {
  if (window.shopAnalytics) return; // loaded twice (shop + gated tag): run once
  const allowed = () => {
    try {
      return typeof window.candor?.allows === "function" && window.candor.allows("analytics") === true;
    } catch {
      return false;
    }
  };
  const views = [];
  function pageView() {
    if (!allowed()) return;
    const hit = { page: location.pathname + location.search, title: document.title, at: new Date().toISOString() };
    views.push(hit);
    console.info("[analytics] page view", hit);
  }
  window.shopAnalytics = { views, pageView };
  pageView();
  window.addEventListener("candor:change", () => {
    if (!allowed()) console.info("[analytics] stopped: consent withdrawn");
  });
})();
