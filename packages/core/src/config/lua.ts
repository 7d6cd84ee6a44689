// Kong reads kong.conf with Lua string patterns (Penlight's pl.config) and PCRE
// (ngx.re). Both treat only ASCII as whitespace and as "word" characters, so the
// helpers here must not use JavaScript's Unicode-aware \s or String#trim: a
// non-breaking space is part of a value for Kong, not padding.

/** Lua's %s: space, \t, \n, \v, \f, \r. */
export const LUA_SPACE = '[ \\t\\n\\v\\f\\r]';

const LEADING_SPACE = new RegExp(`^${LUA_SPACE}+`);
const TRAILING_SPACE = new RegExp(`${LUA_SPACE}+$`);
const ONLY_SPACE = new RegExp(`^${LUA_SPACE}*$`);

export function isLuaSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\v' || ch === '\f' || ch === '\r';
}

/** pl.stringx.strip / pl.config's strip: removes ASCII whitespace at both ends. */
export function luaStrip(text: string): string {
  return text.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
}

export function isBlank(text: string): boolean {
  return ONLY_SPACE.test(text);
}

/**
 * Kong's boolean inference (conf_loader parse_value): `value == "on" or value == "true"`.
 * Exact and case-sensitive: `ON`, `True`, `yes`, `1` and the empty string are all false,
 * and Kong says nothing about it.
 */
export function kongBoolean(value: string | null): boolean {
  return value === 'on' || value === 'true';
}

/** The four spellings Kong documents for a boolean ("on"/"off" or "true"/"false"). */
export function isRecognizedBoolean(value: string): boolean {
  return value === 'on' || value === 'off' || value === 'true' || value === 'false';
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)$/;
const HEX = /^[+-]?0[xX][0-9a-fA-F]+$/;

/**
 * Lua's tonumber for the values Kong types as numbers (pg_port, pg_pool_size, …):
 * decimal, exponent or hex, surrounding whitespace allowed; anything else is nil,
 * which Kong then treats as unset.
 */
export function luaToNumber(text: string | null): number | null {
  if (text === null) return null;
  const stripped = luaStrip(text);
  if (DECIMAL.test(stripped)) return Number(stripped);
  if (HEX.test(stripped)) {
    const negative = stripped.startsWith('-');
    const digits = stripped.replace(/^[+-]?0[xX]/, '');
    const value = Number.parseInt(digits, 16);
    return negative ? -value : value;
  }
  return null;
}
