/**
 * A live viewfinder for capture: the rear camera where there is one, a shutter that turns the
 * current frame into a JPEG page (event "captured" with a File), torch and camera switch when the
 * device offers them. It owns its MediaStream and stops every track when it closes or leaves the
 * page. Where getUserMedia is missing or refused, it says why (event "unavailable") and the
 * capture screen's `<input capture>` stays the way to take photos.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { t } from "../i18n";
import { LocalizedElement } from "../ui/localized";
import { icon } from "../ui/icons";
import { shared } from "../ui/styles";

/** Whether this browser can show a live camera view at all. */
export function liveCameraSupported(nav: Navigator = navigator): boolean {
  return typeof nav.mediaDevices?.getUserMedia === "function";
}

/** Why the camera could not start, as a message key. */
export function cameraProblem(error: unknown): "camera.denied" | "camera.missing" | "camera.failed" {
  const name = error instanceof DOMException || error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") return "camera.denied";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "camera.missing";
  return "camera.failed";
}

interface TorchCapabilities extends MediaTrackCapabilities {
  torch?: boolean;
}

export class CameraView extends LocalizedElement {
  static override properties = {
    ready: { state: true },
    torchOn: { state: true },
    canTorch: { state: true },
    cameras: { state: true },
    shots: { state: true },
  };

  declare ready: boolean;
  declare torchOn: boolean;
  declare canTorch: boolean;
  declare cameras: number;
  /** Pages taken since the viewfinder opened, announced to screen readers. */
  declare shots: number;
  private stream: MediaStream | null = null;
  private facing: "environment" | "user" = "environment";
  private closed = false;
  /** A hidden page (app in the background, screen off) lets go of the camera, and takes it back. */
  private readonly onVisibility = (): void => {
    if (document.hidden) this.stop();
    else if (!this.closed && !this.stream) void this.start();
  };

  constructor() {
    super();
    this.ready = false;
    this.torchOn = false;
    this.canTorch = false;
    this.cameras = 0;
    this.shots = 0;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.closed = false;
    document.addEventListener("visibilitychange", this.onVisibility);
    void this.start();
  }

  override disconnectedCallback(): void {
    this.closed = true;
    document.removeEventListener("visibilitychange", this.onVisibility);
    this.stop();
    super.disconnectedCallback();
  }

  private stop(): void {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.ready = false;
  }

  private async start(): Promise<void> {
    this.stop();
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: this.facing }, width: { ideal: 1920 }, height: { ideal: 1080 } },
      });
      if (this.closed) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      this.stream = stream;
      await this.updateComplete;
      const video = this.renderRoot.querySelector("video");
      if (video) {
        video.srcObject = stream;
        // Not awaited: play() settles only once frames arrive, and autoplay rules may refuse it.
        void video.play()?.catch(() => undefined);
      }
      const track = stream.getVideoTracks()[0];
      const capabilities: TorchCapabilities = track?.getCapabilities?.() ?? {};
      this.canTorch = capabilities.torch === true;
      this.torchOn = false;
      const devices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
      this.cameras = devices.filter((d) => d.kind === "videoinput").length;
      this.ready = true;
    } catch (error) {
      this.stop();
      this.dispatchEvent(new CustomEvent("unavailable", { detail: cameraProblem(error) }));
    }
  }

  private async shoot(): Promise<void> {
    const video = this.renderRoot.querySelector("video");
    if (!video || !this.ready || video.videoWidth === 0) return;
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d")?.drawImage(video, 0, 0);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.88));
    if (!blob) return;
    this.shots += 1;
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, "");
    const file = new File([blob], `camera-${stamp}-${this.shots}.jpg`, { type: "image/jpeg" });
    this.dispatchEvent(new CustomEvent("captured", { detail: file }));
  }

  private async toggleTorch(): Promise<void> {
    const track = this.stream?.getVideoTracks()[0];
    if (!track) return;
    const on = !this.torchOn;
    try {
      await track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
      this.torchOn = on;
    } catch {
      this.canTorch = false;
    }
  }

  private switchCamera(): void {
    this.facing = this.facing === "environment" ? "user" : "environment";
    void this.start();
  }

  private close(): void {
    this.stop();
    this.dispatchEvent(new Event("close"));
  }

  override render(): TemplateResult {
    return html`<div class="finder">
      <video muted playsinline aria-label=${t("camera.viewfinder")}></video>
      ${this.ready ? nothing : html`<p class="starting" role="status">${t("camera.starting")}</p>`}
    </div>
    <p class="visually-hidden" role="status">${this.shots ? t("camera.taken", { count: this.shots }) : ""}</p>
    <div class="controls">
      <button type="button" @click=${this.close}>${t("camera.done")}</button>
      <button type="button" class="shutter" aria-label=${t("camera.shutter")} ?disabled=${!this.ready} @click=${this.shoot}>
        ${icon("camera")}
      </button>
      <span class="extra">
        ${this.canTorch
          ? html`<button type="button" class="icon" aria-pressed=${this.torchOn ? "true" : "false"} aria-label=${t("camera.torch")} @click=${this.toggleTorch}>
              ${icon("torch")}
            </button>`
          : nothing}
        ${this.cameras > 1
          ? html`<button type="button" class="icon" aria-label=${t("camera.switch")} @click=${this.switchCamera}>${icon("switchCamera")}</button>`
          : nothing}
      </span>
    </div>`;
  }

  static override styles = [
    shared,
    css`
      :host {
        display: block;
        background: #000;
        border-radius: var(--radius);
        overflow: hidden;
        margin-top: 0.75rem;
      }
      .finder {
        position: relative;
        min-height: 12rem;
      }
      video {
        width: 100%;
        max-height: 60vh;
        object-fit: contain;
        display: block;
      }
      .starting {
        position: absolute;
        inset: 0;
        margin: 0;
        display: flex;
        align-items: center;
        justify-content: center;
        color: #fff;
      }
      .controls {
        display: grid;
        grid-template-columns: 1fr auto 1fr;
        align-items: center;
        gap: 0.5rem;
        padding: 0.75rem;
      }
      .shutter {
        width: 64px;
        height: 64px;
        border-radius: 50%;
        border: 4px solid #fff;
        background: var(--accent);
        color: var(--accent-text);
        font-size: 1.5rem;
        padding: 0;
      }
      .extra {
        display: flex;
        justify-content: flex-end;
        gap: 0.5rem;
      }
      .controls > button:first-child {
        justify-self: start;
      }
    `,
  ];
}

customElements.define("camera-view", CameraView);
