// Splices generated text between marker comments, leaving the hand-written rest alone.

export const BEGIN_MARKER = '<!-- BEGIN GENERATED OPTIONS -->';
export const END_MARKER = '<!-- END GENERATED OPTIONS -->';

export function spliceGeneratedSection(document: string, generated: string): string {
  const begin = document.indexOf(BEGIN_MARKER);
  const end = document.indexOf(END_MARKER);
  if (begin < 0 || end < begin) {
    throw new TypeError(`spliceGeneratedSection: document needs ${BEGIN_MARKER} followed by ${END_MARKER}`);
  }
  return `${document.slice(0, begin + BEGIN_MARKER.length)}\n\n${generated.trimEnd()}\n\n${document.slice(end)}`;
}
