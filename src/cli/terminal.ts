/**
 * Text from the data made safe to print on a terminal: control characters (ESC, BEL, the C1
 * range, DEL…) could move the cursor, retitle the window or worse. Each shows as its Unicode
 * control picture (␛ for ESC) or as U+FFFD; line breaks of zipin's own layout are kept.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? '\u2421' : '\ufffd';
  });
}

/** A line about one file (its failure, mostly) in the one shape every command prints, `zipin: <command>: <file>: <reason>`, made safe to show. */
export function fileLine(command: string, file: string, reason: string): string {
  return `zipin: ${command}: ${terminalSafe(file)}: ${terminalSafe(reason)}`;
}
