import { mount } from "svelte";
import App from "./ui/App.svelte";
import { loadMonaco } from "./ui/editor/monaco.ts";
import "./ui/theme.css";

mount(App, { target: document.getElementById("app")! });
// the editor is most of the page's weight: start loading it once the page has painted, so the page is usable first
requestAnimationFrame(() => setTimeout(() => void loadMonaco().catch(() => {}), 0));
// a static host cannot send the headers that isolate the page: its service worker adds them from the next visit on
// (public/coi-sw.js), when runs need one engine instead of two. Not in an embed: a frame is isolated only with its embedder.
if (!globalThis.crossOriginIsolated && "serviceWorker" in navigator && window.top === window) {
  navigator.serviceWorker.register("coi-sw.js").catch(() => {});
}
