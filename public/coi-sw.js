// The page's service worker: it adds the two headers that make the page cross-origin isolated to every response of
// its own origin, for a static host that cannot send them (GitHub Pages and the like). From the visit after the one
// that installed it, a scenario's realm can then call the engine's worker synchronously (src/worker/script-workers.ts):
// one engine per run instead of two. It changes nothing else: each request goes to the network as the page made it.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));
self.addEventListener("fetch", (e) => {
  const request = e.request;
  if (new URL(request.url).origin !== self.location.origin) return;
  // a request the browser may answer only from its cache cannot be made again from here (Chromium's devtools make them)
  if (request.cache === "only-if-cached" && request.mode !== "same-origin") return;
  e.respondWith(
    fetch(request).then((response) => {
      if (response.status === 0) return response; // opaque: its headers cannot be changed
      const headers = new Headers(response.headers);
      headers.set("Cross-Origin-Opener-Policy", "same-origin");
      headers.set("Cross-Origin-Embedder-Policy", "require-corp");
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }),
  );
});
