/**
 * An element's clientWidth and clientHeight, reported whenever they change. Svelte's bind:clientWidth reads the
 * size once at mount, which forces a synchronous layout of the whole page in the middle of mounting it (33 ms of
 * the first load's 200 ms, profiled); a ResizeObserver's callback comes after the browser's own layout, so
 * reading the size there costs nothing extra.
 */
import type { Attachment } from "svelte/attachments";

export function clientSize(report: (width: number, height: number) => void): Attachment<HTMLElement> {
  return (element) => {
    const observer = new ResizeObserver(() => report(element.clientWidth, element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  };
}
