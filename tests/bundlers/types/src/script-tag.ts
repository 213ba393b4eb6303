// A page that embeds the script tag (`<script src=".../candor.js">`), with
// the script-tag folder's candor.d.ts in the program: window.candor is
// declared, possibly undefined until candor.js has run.

async function personalize(): Promise<void> {
  if (typeof window.candor?.allows !== "function") {
    await new Promise((resolve) => addEventListener("candor:ready", resolve, { once: true }));
  }
  const candor = window.candor;
  if (!candor) return;
  await candor.ready;
  const decision = candor.decide({ purpose: "recommendations", signals: ["browsing"] });
  const allowed: boolean = decision.allowed;
  const explanation: string = decision.explanation;
  console.log(allowed, explanation, candor.allows("offers"));
  candor.on("change", (preferences) => console.log(preferences.consentId));
  // @ts-expect-error: decide() takes a request or a purpose id
  candor.decide(42);
}

addEventListener("candor:change", (e) => console.log(e.detail.purposes));
void personalize();
