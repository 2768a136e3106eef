/**
 * Byte-exact scanning and editing of Cookie / Set-Cookie header values, as HAProxy 2.6's
 * http_manage_client_side_cookies() and http_manage_server_side_cookies() walk them (written
 * from their behaviour, not their text). Values are latin1 strings, one header line each.
 *
 * What must come out identical, and why it is scanned by hand rather than split on ';':
 * - spaces around '=' are removed from every cookie that has one ("a = 1" becomes "a=1");
 * - removing a cookie in the middle keeps the delimiter that followed it and one space
 *   ("a=1 ;  SRV=x ;b=2" becomes "a=1; b=2"), a first cookie takes its delimiter and blanks
 *   with it, a last one is cut at its delimiter, and a line with nothing left goes away;
 * - ',' ends a cookie in a Cookie header as ';' does, quoted values are skipped whole, names
 *   starting with '$' (RFC 2109 attributes) are left alone and never make a line "kept";
 * - in Set-Cookie only the first NAME=VALUE of the line counts, the attributes after it don't;
 *   Set-Cookie2 may carry several cookies separated by commas.
 */

const SP = 0x20;
const HT = 0x09;
const isSpHt = (c: number): boolean => c === SP || c === HT;

/** End of a cookie value from `s`: the first ';' or ',' outside double quotes, or `e`. */
export function cookieValueEnd(h: string, s: number, e: number): number {
  let quoted = false;
  let qdpair = false;
  for (; s < e; s++) {
    const c = h.charCodeAt(s);
    if (qdpair) qdpair = false;
    else if (quoted) {
      if (c === 0x5c /* \ */) qdpair = true;
      else if (c === 0x22 /* " */) quoted = false;
    } else if (c === 0x22) quoted = true;
    else if (c === 0x2c /* , */ || c === 0x3b /* ; */) return s;
  }
  return s;
}

/** End of one comma-separated header value from `s`: the first ',' outside double quotes, or `e`. */
export function headerValueEnd(h: string, s: number, e: number): number {
  let quoted = false;
  let qdpair = false;
  for (; s < e; s++) {
    const c = h.charCodeAt(s);
    if (qdpair) qdpair = false;
    else if (quoted) {
      if (c === 0x5c) qdpair = true;
      else if (c === 0x22) quoted = false;
    } else if (c === 0x22) quoted = true;
    else if (c === 0x2c) return s;
  }
  return s;
}

/** Result of removing a cookie: the value up to its new end, where the cut starts, the length change. */
interface Cut {
  h: string;
  from: number;
  delta: number;
}

/**
 * Removes the cookie that starts at `from` (its leading delimiter, or 0 for the first one) and
 * ends at `next` (the delimiter after it, or the end). HAProxy's http_del_hdr_value: the first
 * cookie leaves with its delimiter and the blanks after it; a later one takes the blanks before
 * its own delimiter, and the delimiter after it moves into place followed by one space when
 * there was room for one.
 */
function delValue(h: string, end: number, from: number, next: number): Cut {
  let prev = from;
  let keep = '';
  if (prev === 0) {
    if (next < end) next++;
    while (next < end && isSpHt(h.charCodeAt(next))) next++;
  } else {
    while (isSpHt(h.charCodeAt(prev - 1))) prev--;
    from = prev;
    if (next < end) {
      keep = h[next] as string;
      next++;
      // room for a space: at least two bytes between the copied delimiter and what follows
      if (prev + 2 < next) keep += ' ';
      while (next < end && isSpHt(h.charCodeAt(next))) next++;
    }
  }
  const out = h.slice(0, from) + keep + h.slice(next, end);
  return { h: out, from, delta: from + keep.length - next };
}

/** One NAME=VALUE as the scanners see it, spaces around '=' already removed. */
interface Token {
  attBeg: number;
  attEnd: number;
  /** index of '=' or of the delimiter/end when there is none */
  equal: number;
  valBeg: number;
  valEnd: number;
  /** the delimiter after this cookie, or the end */
  next: number;
}

/** What the request scanner asks the caller about each occurrence of the persistence cookie. */
export interface RequestCookieHandler {
  /**
   * `value` is the cookie's value. Returns the length of the server part to strip with its
   * '~' delimiter (prefix mode), or -1 to leave the value alone.
   */
  ours(value: string): number;
}

/**
 * One Cookie header line of a request. `name` is the persistence cookie (compared exactly);
 * `deleteOurs` (insert + indirect) removes every occurrence of it. Returns the line as it must
 * be forwarded (possibly unchanged), or null when the whole line must go.
 */
export function scanRequestCookieLine(line: string, name: string, deleteOurs: boolean, handler: RequestCookieHandler): string | null {
  let h = line;
  let hdrEnd = h.length;
  let delFrom = -1;
  let preserve = false;
  let isFirst = true;
  const t: Token = { attBeg: 0, attEnd: 0, equal: 0, valBeg: 0, valEnd: 0, next: 0 };
  for (let prev = 0; prev < hdrEnd; prev = t.next) {
    let attBeg = prev;
    if (!isFirst) attBeg++;
    isFirst = false;
    while (attBeg < hdrEnd && isSpHt(h.charCodeAt(attBeg))) attBeg++;
    let equal = attBeg;
    let attEnd = attBeg;
    while (equal < hdrEnd) {
      const c = h.charCodeAt(equal);
      if (c === 0x3d /* = */ || c === 0x2c || c === 0x3b) break;
      equal++;
      if (isSpHt(c)) continue;
      attEnd = equal;
    }
    let valBeg: number;
    let valEnd: number;
    let next: number;
    if (equal < hdrEnd && h.charCodeAt(equal) === 0x3d) {
      valBeg = equal + 1;
      while (valBeg < hdrEnd && isSpHt(h.charCodeAt(valBeg))) valBeg++;
      next = cookieValueEnd(h, valBeg, hdrEnd);
      valEnd = next;
      while (valEnd > valBeg && isSpHt(h.charCodeAt(valEnd - 1))) valEnd--;
    } else {
      valBeg = valEnd = next = equal;
    }
    t.next = next;
    // RFC 2109 attributes ($Path...) follow the cookie before them
    if (attBeg < hdrEnd && h.charCodeAt(attBeg) === 0x24 /* $ */) continue;
    if (equal === next) {
      // no '=': not ours, the line must stay; flush a pending removal before it
      preserve = true;
      if (delFrom >= 0) {
        const cut = delValue(h, hdrEnd, delFrom, prev);
        h = cut.h;
        t.next += cut.delta;
        hdrEnd += cut.delta;
        delFrom = -1;
      }
      continue;
    }
    if (attEnd !== equal || valBeg > equal + 1) {
      let shift = 0;
      if (attEnd !== equal) {
        h = h.slice(0, attEnd) + h.slice(equal);
        shift = attEnd - equal;
        equal += shift;
        valBeg += shift;
      }
      if (valBeg > equal + 1) {
        const after = equal + 1 - valBeg;
        h = h.slice(0, equal + 1) + h.slice(valBeg);
        valBeg += after;
        shift += after;
      }
      valEnd += shift;
      t.next += shift;
      hdrEnd += shift;
    }
    if (attEnd - attBeg === name.length && h.startsWith(name, attBeg)) {
      const strip = handler.ours(h.slice(valBeg, valEnd));
      if (strip >= 0) {
        // prefix mode: the server part and its '~' leave, the application's cookie stays
        const delim = valBeg + strip;
        h = h.slice(0, valBeg) + h.slice(delim + 1);
        const delta = valBeg - (delim + 1);
        t.next += delta;
        hdrEnd += delta;
        delFrom = -1;
        preserve = true;
      } else if (delFrom < 0 && deleteOurs) {
        delFrom = prev;
      }
    } else {
      preserve = true;
      if (delFrom >= 0) {
        const cut = delValue(h, hdrEnd, delFrom, prev);
        h = cut.h;
        t.next += cut.delta;
        hdrEnd += cut.delta;
        delFrom = -1;
      }
    }
  }
  if (delFrom >= 0) hdrEnd = preserve ? delFrom : 0;
  if (hdrEnd === 0) return null;
  return hdrEnd === h.length ? h : h.slice(0, hdrEnd);
}

/** What to do with the persistence cookie a server set. */
export type ResponseCookieAction =
  | { readonly kind: 'keep' }
  | { readonly kind: 'delete' }
  /** rewrite mode: the value becomes `text` */
  | { readonly kind: 'replace'; readonly text: string }
  /** prefix mode: `text` + '~' goes in front of the value */
  | { readonly kind: 'prefix'; readonly text: string };

/**
 * One Set-Cookie (or Set-Cookie2 when `v2`) line of a response. `ours()` is called for each
 * occurrence of the persistence cookie (compared exactly) and says what to do with it. Returns
 * the line as it must be forwarded, or null when the whole line must go.
 *
 * `h` is the header value as HAProxy stores it and `hdrEnd` the end its scan works to. They part
 * when a cookie is removed from the middle of a Set-Cookie2 line: HAProxy moves the rest of the
 * line over it but keeps the line's length, so the old last bytes are sent again after it
 * ("x=1, SRV=y; Version=1, z=2" leaves as "x=1, z=2=y; Version=1, z=2"), until a later edit on
 * the line sets the length. A Set-Cookie line never gets there: its cookie is the whole line.
 */
export function scanResponseCookieLine(line: string, v2: boolean, name: string, ours: () => ResponseCookieAction): string | null {
  let h = line;
  let hdrEnd = h.length;
  let isFirst = true;
  let next = 0;
  for (let prev = 0; prev < hdrEnd; prev = next) {
    let attBeg = prev;
    if (!isFirst) attBeg++;
    isFirst = false;
    while (attBeg < hdrEnd && isSpHt(h.charCodeAt(attBeg))) attBeg++;
    let equal = attBeg;
    let attEnd = attBeg;
    while (equal < hdrEnd) {
      const c = h.charCodeAt(equal);
      if (c === 0x3d || c === 0x3b || (v2 && c === 0x2c)) break;
      equal++;
      if (isSpHt(c)) continue;
      attEnd = equal;
    }
    let valBeg: number;
    let valEnd: number;
    if (equal < hdrEnd && h.charCodeAt(equal) === 0x3d) {
      valBeg = equal + 1;
      while (valBeg < hdrEnd && isSpHt(h.charCodeAt(valBeg))) valBeg++;
      next = cookieValueEnd(h, valBeg, hdrEnd);
      valEnd = next;
      while (valEnd > valBeg && isSpHt(h.charCodeAt(valEnd - 1))) valEnd--;
    } else {
      valBeg = valEnd = next = equal;
    }
    // Set-Cookie: the attributes after the first ';' are not cookies (Expires has a comma)
    if (next < hdrEnd) next = v2 ? headerValueEnd(h, next, hdrEnd) : hdrEnd;
    if (equal === valEnd) continue;
    if (attEnd !== equal || valBeg > equal + 1) {
      // the value is rewritten up to hdrEnd and its length set there
      let shift = 0;
      h = h.slice(0, hdrEnd);
      if (attEnd !== equal) {
        h = h.slice(0, attEnd) + h.slice(equal);
        shift = attEnd - equal;
        equal += shift;
        valBeg += shift;
      }
      if (valBeg > equal + 1) {
        const after = equal + 1 - valBeg;
        h = h.slice(0, equal + 1) + h.slice(valBeg);
        valBeg += after;
        shift += after;
      }
      valEnd += shift;
      next += shift;
      hdrEnd += shift;
    }
    if (attEnd - attBeg !== name.length || !h.startsWith(name, attBeg)) continue;
    const act = ours();
    switch (act.kind) {
      case 'keep':
        break;
      case 'delete': {
        if (prev === 0 && next === hdrEnd) return null;
        const cut = delValue(h, hdrEnd, prev, next);
        // moved over, length kept: the bytes past the new end stay as they were
        h = cut.h + h.slice(hdrEnd + cut.delta);
        next = cut.from;
        hdrEnd += cut.delta;
        break;
      }
      case 'replace': {
        h = h.slice(0, valBeg) + act.text + h.slice(valEnd);
        const delta = act.text.length - (valEnd - valBeg);
        next += delta;
        hdrEnd += delta;
        break;
      }
      case 'prefix': {
        h = `${h.slice(0, valBeg)}${act.text}~${h.slice(valBeg)}`;
        const delta = act.text.length + 1;
        next += delta;
        hdrEnd += delta;
        break;
      }
    }
  }
  return h;
}

/**
 * Every comma-separated value of the given header lines, trimmed of blanks (HAProxy's
 * http_find_header() without the "full" flag; quoted commas do not split).
 */
export function headerValues(lines: readonly string[], out: string[] = []): string[] {
  for (const l of lines) {
    let p = 0;
    for (;;) {
      const e = headerValueEnd(l, p, l.length);
      out.push(l.slice(p, e).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ''));
      if (e >= l.length) break;
      p = e + 1;
    }
  }
  return out;
}
