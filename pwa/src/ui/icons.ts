/** Line icons as inline SVG (no icon font, nothing to load; allowed by the CSP). */
import { svg, type SVGTemplateResult } from "lit";

const paths = {
  search: "M10.5 3a7.5 7.5 0 1 0 4.6 13.4l4.8 4.8 1.4-1.4-4.8-4.8A7.5 7.5 0 0 0 10.5 3Zm0 2a5.5 5.5 0 1 1 0 11 5.5 5.5 0 0 1 0-11Z",
  today: "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm0 2a8 8 0 1 1 0 16 8 8 0 0 1 0-16Zm-1 3v5.4l4.3 2.6 1-1.7-3.3-2V7Z",
  plus: "M11 4h2v7h7v2h-7v7h-2v-7H4v-2h7Z",
  inbox: "M4 4h16l2 9v7H2v-7Zm1.6 2-1.4 7H9a3 3 0 0 0 6 0h4.8l-1.4-7ZM4 15v3h16v-3h-3.3a5 5 0 0 1-9.4 0Z",
  settings:
    "M10.3 2h3.4l.5 2.6 1.7.9 2.4-1.1 2.4 2.4-1.1 2.4.9 1.7 2.5.5v3.4l-2.5.5-.9 1.7 1.1 2.4-2.4 2.4-2.4-1.1-1.7.9-.5 2.5h-3.4l-.5-2.5-1.7-.9-2.4 1.1-2.4-2.4 1.1-2.4-.9-1.7L2 13.7v-3.4l2.6-.5.9-1.7-1.1-2.4 2.4-2.4 2.4 1.1 1.7-.9ZM12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8Zm0 2a2 2 0 1 1 0 4 2 2 0 0 1 0-4Z",
  star: "m12 2 3 6.3 6.9.9-5 4.8 1.2 6.9L12 17.6 5.9 20.9 7.1 14l-5-4.8 6.9-.9Zm0 4.6-1.7 3.6-3.9.5 2.9 2.7-.7 3.9 3.4-1.9 3.4 1.9-.7-3.9 2.9-2.7-3.9-.5Z",
  starFilled: "m12 2 3 6.3 6.9.9-5 4.8 1.2 6.9L12 17.6 5.9 20.9 7.1 14l-5-4.8 6.9-.9Z",
  phone:
    "M6.6 2.5 9.5 6 8 8.3a12 12 0 0 0 7.7 7.7l2.3-1.5 3.5 2.9-1.3 3.6c-.3.7-1 1-1.7 1A17.5 17.5 0 0 1 2 5.5c0-.7.3-1.4 1-1.7Z",
  mail: "M2 5h20v14H2Zm2.4 2 7.6 5.7L19.6 7ZM4 9v8h16V9l-8 6Z",
  pin: "M12 2a7 7 0 0 0-7 7c0 5 7 13 7 13s7-8 7-13a7 7 0 0 0-7-7Zm0 4.5a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5Z",
  download: "M11 3h2v9.2l3.3-3.3 1.4 1.4L12 16l-5.7-5.7 1.4-1.4 3.3 3.3ZM4 18h16v2H4Z",
  camera: "M9 3h6l1.5 2H21v15H3V5h4.5Zm3 5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9Zm0 2a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5Z",
  close: "m6.4 5 5.6 5.6L17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4Z",
  torch: "M7 2h10v4l-3 4v12h-4V10L7 6",
  switchCamera: "M12 5V2L8 6l4 4V7a5 5 0 0 1 5 5h2a7 7 0 0 0-7-7Zm0 12a5 5 0 0 1-5-5H5a7 7 0 0 0 7 7v3l4-4-4-4Z",
  map: "M9 3 3 5.5v15.5l6-2.5 6 2.5 6-2.5V3l-6 2.5Zm-1 2.6v11.8l-3 1.2V7.3Zm2 0 4 1.7v11.8l-4-1.7Zm9 .1v11.8l-3 1.2V7.3Z",
  back: "m10.6 5 1.4 1.4L7.4 11H20v2H7.4l4.6 4.6-1.4 1.4-7-7Z",
} as const;

export type IconName = keyof typeof paths;

export function icon(name: IconName): SVGTemplateResult {
  return svg`<svg class="icon-svg" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"><path fill="currentColor" d=${paths[name]}></path></svg>`;
}
