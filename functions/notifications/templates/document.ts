/**
 * An e-mail as a few kinds of blocks, written once per language and rendered to both the text and the
 * HTML body, so the two never say different things and every value is escaped in one place.
 */
export type Block =
  | { p: string }
  /** Label/value rows: the dates and amounts a customer looks for first. */
  | { facts: ReadonlyArray<readonly [label: string, value: string]> }
  | { list: readonly string[] }
  | { action: string; href: string };

/** Lets a template write `cond && { p: … }` for a block that only some cases have. */
export type OptionalBlock = Block | false | '' | undefined;

export interface Letter {
  subject: string;
  greeting: string;
  blocks: readonly OptionalBlock[];
  closing: string;
  signature: string;
  footer: readonly string[];
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

function present(blocks: Letter['blocks']): Block[] {
  return blocks.filter((b): b is Block => Boolean(b));
}

export function renderLetter(letter: Letter, lang: string): RenderedEmail {
  const blocks = present(letter.blocks);
  const text = [
    letter.greeting,
    ...blocks.map((b) => {
      if ('p' in b) return b.p;
      if ('facts' in b) return b.facts.map(([k, v]) => `${k}: ${v}`).join('\n');
      if ('list' in b) return b.list.map((item) => `- ${item}`).join('\n');
      return `${b.action}: ${b.href}`;
    }),
    `${letter.closing}\n${letter.signature}`,
    ['--', ...letter.footer].join('\n'),
  ].join('\n\n');

  const e = escapeHtml;
  const html = [
    `<!DOCTYPE html><html lang="${e(lang)}"><head><meta charset="utf-8"><title>${e(letter.subject)}</title></head><body>`,
    `<p>${e(letter.greeting)}</p>`,
    ...blocks.map((b) => {
      if ('p' in b) return `<p>${e(b.p)}</p>`;
      if ('facts' in b) {
        return `<table role="presentation">${b.facts.map(([k, v]) => `<tr><th align="left">${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</table>`;
      }
      if ('list' in b) return `<ul>${b.list.map((item) => `<li>${e(item)}</li>`).join('')}</ul>`;
      return `<p><a href="${e(b.href)}">${e(b.action)}</a></p>`;
    }),
    `<p>${e(letter.closing)}<br>${e(letter.signature)}</p>`,
    `<hr><p><small>${letter.footer.map(e).join('<br>')}</small></p>`,
    '</body></html>',
  ].join('\n');

  return { subject: letter.subject, text, html };
}
