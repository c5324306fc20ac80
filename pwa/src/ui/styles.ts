/** Styles every screen shares: controls with 44 px touch targets, lists, cards, skeletons. */
import { css } from "lit";

export const shared = css`
  :host {
    display: block;
    color: var(--text);
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  h1,
  h2,
  h3 {
    line-height: 1.2;
    margin: 0 0 0.5rem;
  }
  h1 {
    font-size: 1.35rem;
  }
  h2 {
    font-size: 1.1rem;
    margin-top: 1.25rem;
  }
  h3 {
    font-size: 1rem;
  }
  a {
    color: var(--accent);
  }
  :focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  button,
  .button {
    font: inherit;
    min-height: 44px;
    min-width: 44px;
    padding: 0 1rem;
    border-radius: var(--radius);
    border: 1px solid var(--border);
    background: var(--surface);
    color: var(--text);
    cursor: pointer;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4rem;
    text-decoration: none;
  }
  button.primary,
  .button.primary {
    background: var(--accent);
    color: var(--accent-text);
    border-color: var(--accent);
    font-weight: 600;
  }
  button[disabled] {
    opacity: 0.6;
    cursor: default;
  }
  button.icon {
    padding: 0;
    width: 44px;
    border: none;
    background: transparent;
    font-size: 1.3rem;
  }
  label {
    display: block;
    font-weight: 600;
    margin: 0.75rem 0 0.25rem;
  }
  input,
  select,
  textarea {
    font: inherit;
    width: 100%;
    min-height: 44px;
    padding: 0.5rem 0.75rem;
    border-radius: var(--radius);
    border: 1px solid var(--border);
    background: var(--bg);
    color: var(--text);
  }
  input[type="checkbox"],
  input[type="radio"] {
    width: 22px;
    min-height: 22px;
    height: 22px;
    margin: 0;
    accent-color: var(--accent);
  }
  .check {
    display: flex;
    align-items: center;
    gap: 0.6rem;
    min-height: 44px;
    font-weight: normal;
    margin: 0;
  }
  [aria-invalid="true"] {
    border-color: var(--danger);
    border-width: 2px;
  }
  .issue,
  .error {
    color: var(--danger);
    font-size: 0.92rem;
    margin: 0.25rem 0 0;
  }
  .ok {
    color: var(--ok);
  }
  .muted {
    color: var(--muted);
  }
  .page {
    padding: 1rem;
    max-width: 60rem;
    margin: 0 auto;
  }
  .card {
    background: var(--surface);
    border-radius: var(--radius);
    padding: 0.75rem 1rem;
    margin: 0.5rem 0;
  }
  ul.list {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  ul.list > li {
    border-bottom: 1px solid var(--border);
  }
  ul.list > li > a,
  .row {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    min-height: 56px;
    padding: 0.4rem 0.25rem;
    color: inherit;
    text-decoration: none;
  }
  .row-main {
    flex: 1;
    min-width: 0;
  }
  .row-title,
  .row-sub {
    display: block;
  }
  .row-title {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .row-sub {
    color: var(--muted);
    font-size: 0.9rem;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .skeleton {
    display: block;
    background: linear-gradient(90deg, var(--surface) 25%, var(--surface-2) 50%, var(--surface) 75%);
    background-size: 200% 100%;
    animation: shimmer 1.2s infinite linear;
    border-radius: 6px;
  }
  @media (prefers-reduced-motion: reduce) {
    .skeleton {
      animation: none;
    }
  }
  @keyframes shimmer {
    from {
      background-position: 200% 0;
    }
    to {
      background-position: -200% 0;
    }
  }
  .skeleton-row {
    height: 56px;
    display: flex;
    gap: 0.75rem;
    align-items: center;
    border-bottom: 1px solid var(--border);
  }
  .skeleton-row .thumb {
    width: 40px;
    height: 40px;
  }
  .skeleton-row .line {
    height: 0.9rem;
    flex: 1;
  }
  .thumb {
    width: 40px;
    height: 40px;
    flex: none;
    object-fit: cover;
    border-radius: 6px;
    background: var(--surface-2);
  }
  dl.fields {
    display: grid;
    grid-template-columns: minmax(8rem, max-content) 1fr;
    gap: 0.35rem 1rem;
    margin: 0;
  }
  dl.fields dt {
    color: var(--muted);
  }
  dl.fields dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .icon-svg {
    width: 24px;
    height: 24px;
    flex: none;
  }
  fieldset {
    border: 1px solid var(--border);
    border-radius: var(--radius);
    margin: 1rem 0;
    padding: 0.5rem 1rem 1rem;
  }
  legend {
    font-weight: 700;
    padding: 0 0.25rem;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: end;
  }
  .toolbar > * {
    flex: 1 1 9rem;
  }
  .toolbar label {
    margin-top: 0;
  }
`;

export const avatar = css`
  .avatar {
    width: 40px;
    height: 40px;
    border-radius: 50%;
    background: var(--accent-soft);
    color: var(--text);
    display: inline-flex;
    align-items: center;
    justify-content: center;
    font-weight: 700;
    flex: none;
  }
`;
