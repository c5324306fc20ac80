/**
 * An image that zooms and pans: pinch or wheel to zoom, drag to pan, double-tap to toggle,
 * buttons and +/-/0 keys for keyboard users. The transform is set through the CSSOM, which the
 * Content-Security-Policy allows (inline style attributes it would not).
 *
 * The image's width and height attributes reserve its space before it loads (a skeleton of the
 * right proportions, no layout shift); ``lazy`` leaves loading until it nears the viewport. An
 * image that cannot be had says so: not available offline, or not shown.
 */
import { css, html, LitElement, nothing, type PropertyValues, type TemplateResult } from "lit";
import { t } from "../i18n";
import { shared } from "./styles";

const MIN = 1;
const MAX = 6;

export class ZoomView extends LitElement {
  static override properties = {
    src: {},
    alt: {},
    width: { type: Number },
    height: { type: Number },
    lazy: { type: Boolean },
    status: { state: true },
  };

  declare src: string;
  declare alt: string;
  declare width: number;
  declare height: number;
  declare lazy: boolean;
  declare status: "loading" | "loaded" | "failed";
  private scale = 1;
  private x = 0;
  private y = 0;
  private readonly pointers = new Map<number, { x: number; y: number }>();
  private pinchDistance = 0;
  private lastTap = 0;

  constructor() {
    super();
    this.src = "";
    this.alt = "";
    this.width = 0;
    this.height = 0;
    this.lazy = false;
    this.status = "loading";
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("src")) this.status = "loading";
  }

  private get image(): HTMLImageElement | null {
    return this.renderRoot.querySelector("img");
  }

  private apply(): void {
    this.scale = Math.min(MAX, Math.max(MIN, this.scale));
    if (this.scale === 1) {
      this.x = 0;
      this.y = 0;
    }
    const img = this.image;
    if (img) img.style.transform = `translate(${this.x}px, ${this.y}px) scale(${this.scale})`;
    // Unzoomed, a vertical swipe scrolls the page (a list of PDF pages); zoomed, it pans.
    const stage = this.renderRoot.querySelector<HTMLElement>(".stage");
    if (stage) stage.style.touchAction = this.scale > 1 ? "none" : "pan-y";
    this.dataset["scale"] = this.scale.toFixed(2);
  }

  zoomBy(factor: number): void {
    this.scale *= factor;
    this.apply();
  }

  reset(): void {
    this.scale = 1;
    this.apply();
  }

  private onWheel(event: WheelEvent): void {
    if (!event.ctrlKey && this.scale === 1 && Math.abs(event.deltaY) < 50) return;
    event.preventDefault();
    this.zoomBy(event.deltaY < 0 ? 1.15 : 1 / 1.15);
  }

  private onPointerDown(event: PointerEvent): void {
    (event.currentTarget as HTMLElement).setPointerCapture(event.pointerId);
    this.pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (this.pointers.size === 2) this.pinchDistance = this.distance();
    if (event.pointerType !== "mouse" && this.pointers.size === 1) {
      const now = Date.now();
      if (now - this.lastTap < 300) {
        this.scale = this.scale > 1 ? 1 : 2.5;
        this.apply();
      }
      this.lastTap = now;
    }
  }

  private distance(): number {
    const [a, b] = [...this.pointers.values()];
    return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
  }

  private onPointerMove(event: PointerEvent): void {
    const previous = this.pointers.get(event.pointerId);
    if (!previous) return;
    const current = { x: event.clientX, y: event.clientY };
    this.pointers.set(event.pointerId, current);
    if (this.pointers.size === 2) {
      const d = this.distance();
      if (this.pinchDistance > 0) this.zoomBy(d / this.pinchDistance);
      this.pinchDistance = d;
    } else if (this.scale > 1) {
      this.x += current.x - previous.x;
      this.y += current.y - previous.y;
      this.apply();
    }
  }

  private onPointerUp(event: PointerEvent): void {
    this.pointers.delete(event.pointerId);
    if (this.pointers.size < 2) this.pinchDistance = 0;
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === "+" || event.key === "=") this.zoomBy(1.25);
    else if (event.key === "-") this.zoomBy(0.8);
    else if (event.key === "0") this.reset();
    else return;
    event.preventDefault();
  }

  override render(): TemplateResult {
    return html`<div
        class="stage ${this.status === "loading" ? "skeleton" : ""}"
        tabindex="0"
        role="img"
        aria-label=${this.alt}
        @wheel=${this.onWheel}
        @pointerdown=${this.onPointerDown}
        @pointermove=${this.onPointerMove}
        @pointerup=${this.onPointerUp}
        @pointercancel=${this.onPointerUp}
        @keydown=${this.onKey}
      >
        <img
          class=${this.status}
          src=${this.src}
          alt=""
          width=${this.width || 800}
          height=${this.height || 1000}
          loading=${this.lazy ? "lazy" : "eager"}
          draggable="false"
          @load=${() => (this.status = "loaded")}
          @error=${() => (this.status = "failed")}
        />
        ${this.status === "failed"
          ? html`<p class="missing" role="status">${navigator.onLine ? t("doc.pageFailed") : t("doc.pageOffline")}</p>`
          : nothing}
      </div>
      <div class="controls">
        <button @click=${() => this.zoomBy(0.8)} aria-label=${t("doc.zoomOut")}>−</button>
        <button @click=${() => this.reset()}>${t("doc.zoomReset")}</button>
        <button @click=${() => this.zoomBy(1.25)} aria-label=${t("doc.zoomIn")}>+</button>
      </div>`;
  }

  static override styles = [
    shared,
    css`
      .stage {
        overflow: hidden;
        touch-action: pan-y;
        background: var(--surface-2);
        border-radius: var(--radius);
        display: flex;
        justify-content: center;
        cursor: grab;
        position: relative;
      }
      img.failed {
        visibility: hidden;
      }
      .missing {
        position: absolute;
        inset: 0;
        margin: auto;
        height: fit-content;
        text-align: center;
        padding: 1rem;
      }
      img {
        display: block;
        max-width: 100%;
        height: auto;
        max-height: 75vh;
        object-fit: contain;
        transform-origin: center center;
        user-select: none;
      }
      .controls {
        display: flex;
        gap: 0.5rem;
        justify-content: center;
        margin-top: 0.5rem;
      }
    `,
  ];
}

customElements.define("zoom-view", ZoomView);
