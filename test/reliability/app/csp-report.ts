// Reports this worker's Content-Security-Policy violations to the page, which collects them with
// its own. A worker's violations fire on the worker's global scope, not on the page's document.
self.addEventListener("securitypolicyviolation", (e) => {
  self.postMessage({ __csp: { where: "worker", directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample } });
});
