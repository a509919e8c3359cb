/** Go's Regexp.Expand template language: $1, $name, ${1}, ${name}, $$; anything else after $ is kept as text. */

/** The group value for an index, or undefined when that group did not take part in the match. */
export type GroupAt = (index: number) => string | undefined;

const NAME_CHAR = /[\p{L}\p{Nd}_]/uy;

/** The expansion of `template`: a number names a group by index, a word by name (the first group that matched). */
export function expand(template: string, names: readonly string[], group: GroupAt): string {
  let out = "";
  let pos = 0;
  for (;;) {
    const dollar = template.indexOf("$", pos);
    if (dollar < 0) break;
    out += template.slice(pos, dollar);
    pos = dollar + 1;
    if (template[pos] === "$") {
      out += "$";
      pos++;
      continue;
    }
    const ref = extract(template, pos);
    if (!ref) {
      out += "$";
      continue;
    }
    pos = ref.end;
    if (ref.num >= 0) out += group(ref.num) ?? "";
    else {
      for (let i = 0; i < names.length; i++) {
        const v = names[i] === ref.name ? group(i) : undefined;
        if (v !== undefined) {
          out += v;
          break;
        }
      }
    }
  }
  return out + template.slice(pos);
}

/** Go's extract at `pos`: a name of letters, digits and _ (braced or not); num is -1 unless a plain number. */
function extract(s: string, pos: number): { name: string; num: number; end: number } | undefined {
  const brace = s[pos] === "{";
  const start = brace ? pos + 1 : pos;
  let i = start;
  for (;;) {
    NAME_CHAR.lastIndex = i;
    const m = NAME_CHAR.exec(s);
    if (!m) break;
    i += m[0].length;
  }
  if (i === start) return undefined;
  const name = s.slice(start, i);
  if (brace) {
    if (s[i] !== "}") return undefined;
    i++;
  }
  let num = 0;
  for (const ch of name) {
    if (ch < "0" || ch > "9" || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + Number(ch);
  }
  if (name[0] === "0" && name.length > 1) num = -1;
  return { name, num, end: i };
}
