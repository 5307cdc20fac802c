import { mount } from "svelte";
import App from "./ui/App.svelte";
import { loadMonaco } from "./ui/editor/monaco.ts";
import "./ui/theme.css";

mount(App, { target: document.getElementById("app")! });
// the editor is most of the page's weight: start loading it once the page has painted, so the page is usable first
requestAnimationFrame(() => setTimeout(() => void loadMonaco().catch(() => {}), 0));
