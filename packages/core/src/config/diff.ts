import { maskedLines } from './render';

// A unified diff (the `diff -u` format operators read in reviews and feed to `patch`)
// between two kong.conf texts. Values of pg_password / pg_ro_password are masked on
// both sides, so a diff never shows a password, even as context.

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string };

/** Myers' O((N+M)·D) shortest edit script; edits between config versions are small. */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  const max = a.length + b.length;
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let done = false;
  for (let d = 0; d <= max && !done; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
      let x = down ? (v[offset + k + 1] ?? 0) : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < a.length && y < b.length && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= a.length && y >= b.length) {
        done = true;
        break;
      }
    }
    v = next;
  }
  // Walk back through the saved V arrays to recover the path.
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d] ?? new Int32Array(0);
    const k = x - y;
    const down = k === -d || (k !== d && (vd[offset + k - 1] ?? 0) < (vd[offset + k + 1] ?? 0));
    const prevK = down ? k + 1 : k - 1;
    const prevX = vd[offset + prevK] ?? 0;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: ' ', line: a[--x] ?? '' });
      y--;
    }
    if (d === 0) break;
    if (down) ops.push({ kind: '+', line: b[--y] ?? '' });
    else ops.push({ kind: '-', line: a[--x] ?? '' });
  }
  return ops.reverse();
}

export interface DiffOptions {
  readonly fromName?: string;
  readonly toName?: string;
  /** Lines of context around each change (diff -u uses 3). */
  readonly context?: number;
}

/** A unified diff, or '' when the texts are the same. */
export function unifiedDiff(before: string, after: string, options: DiffOptions = {}): string {
  const context = options.context ?? 3;
  const ops = editScript(maskedLines(before), maskedLines(after));
  if (ops.every((op) => op.kind === ' ')) return '';
  const out = [`--- ${options.fromName ?? 'a/kong.conf'}`, `+++ ${options.toName ?? 'b/kong.conf'}`];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]?.kind === ' ') {
      i++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last
    // change that is at most 2×context lines further on.
    const start = Math.max(0, i - context);
    let end = i;
    while (end < ops.length) {
      let next = end;
      while (next < ops.length && ops[next]?.kind === ' ') next++;
      if (next >= ops.length || next - end > 2 * context) break;
      end = next;
      while (end < ops.length && ops[end]?.kind !== ' ') end++;
    }
    end = Math.min(ops.length, end + context);
    let oldLine = 1;
    let newLine = 1;
    for (let j = 0; j < start; j++) {
      if (ops[j]?.kind !== '+') oldLine++;
      if (ops[j]?.kind !== '-') newLine++;
    }
    const hunk = ops.slice(start, end);
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    out.push(
      `@@ -${oldCount === 0 ? oldLine - 1 : oldLine},${oldCount} +${newCount === 0 ? newLine - 1 : newLine},${newCount} @@`,
    );
    for (const op of hunk) out.push(`${op.kind}${op.line}`);
    i = end;
  }
  return `${out.join('\n')}\n`;
}
