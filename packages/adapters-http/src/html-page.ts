import { createHash } from 'node:crypto';

/** What the pages this service renders share: escaping, hash-pinned inline code, one head. */
export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** A CSP source that allows exactly this inline script or style. */
export const hashSource = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * From the doctype to the opening body tag. The policy is repeated in a meta element so that
 * the page stays confined when saved and opened from a file; a route's header must allow the same.
 */
export function pageHead(head: { readonly policy: string; readonly title: string; readonly style: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${head.policy}">
<title>${head.title}</title>
<style>${head.style}</style>
</head>
<body>
`;
}
