// The section/keyword dispatcher: lines in (already lexed, conditionals applied), a model and
// diagnostics out. Keyword parsers live in keywords/*.ts as table rows; this file only routes.
import type { Diag, Loc, ParseResult, Verdict } from './diag.js';
import type { Word } from './lexer.js';
import type { GlobalConfig, ProxyConfig, ProxyKind } from './model.js';
import { builtinGlobal, builtinProxy, proxyFromDefaults } from './proxy-defaults.js';
import { HAPROXY_SECTIONS } from './haproxy-keywords.js';
import { globalKeywordIndex, unknownGlobal } from './keywords/global.js';
import { proxyKeywordIndex, unknownProxy, type ProxyKeyword } from './keywords/proxy.js';

export interface Statement {
  readonly loc: Loc;
  readonly words: readonly Word[];
  /** the raw line, for caret displays */
  readonly raw: string;
}

export interface ParseOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** -dr: unresolvable server names become warnings */
  readonly relaxedDns: boolean;
  /** the directory relative paths (errorfile, acl -f) are resolved from */
  readonly baseDir: string;
}

type Section =
  | { readonly kind: 'global' }
  | { readonly kind: 'proxy'; readonly px: ProxyConfig }
  | { readonly kind: 'skipped'; readonly name: string }
  | { readonly kind: 'none' };

/** What keyword parsers see. */
export interface KwContext {
  readonly parser: ConfigParser;
  readonly loc: Loc;
  /** words after the `no`/`default` prefix; args[0] is the keyword */
  readonly args: readonly Word[];
  /** the texts of args, for convenience */
  readonly a: readonly string[];
  readonly inverse: 'no' | 'default' | undefined;
}

export interface ProxyKwContext extends KwContext {
  readonly px: ProxyConfig;
  /** true when the proxy is a defaults section with no name */
  readonly anonymousDefaults: boolean;
}

export interface GlobalKwContext extends KwContext {
  readonly global: GlobalConfig;
}

const NAME_CHAR = /^[A-Za-z0-9_.:-]*$/;

export class ConfigParser {
  readonly diags: Diag[] = [];
  readonly global: GlobalConfig = builtinGlobal();
  readonly proxies: ProxyConfig[] = [];
  readonly namedDefaults = new Map<string, ProxyConfig>();
  /** the defaults section implicitly used by the next proxy */
  curDefaults: ProxyConfig;
  private section: Section = { kind: 'none' };
  /** set by an error after which HAProxy reads no further line of the file */
  stopFile = false;
  private readonly fePxByName = new Map<string, ProxyConfig>();
  /** every defaults section of a name, for HAProxy's "ambiguous defaults section name" */
  private readonly defaultsByName = new Map<string, ProxyConfig[]>();
  /** defaults sections with rules, and which side (frontends or backends) inherited them first */
  private readonly rulesInheritedBy = new Map<ProxyConfig, 'fe' | 'be'>();
  private readonly bePxByName = new Map<string, ProxyConfig>();
  /** defaults sections referenced explicitly by `from`, and those used implicitly (for the ambiguity alert) */
  readonly explicitlyUsed = new Set<ProxyConfig>();
  readonly implicitlyUsed = new Set<ProxyConfig>();

  constructor(readonly opts: ParseOptions) {
    this.curDefaults = builtinProxy('defaults', '', { file: '', line: 0 });
  }

  /** Record a verdict at a location. */
  report(loc: Loc | undefined, v: Verdict, keyword?: string): void {
    const d: Diag = {
      severity: v.severity, code: v.code, message: v.message, style: v.style ?? 'parsing',
      ...(loc !== undefined ? { loc: v.col !== undefined ? { ...loc, col: v.col } : loc } : {}),
      ...(v.more !== undefined ? { more: v.more } : {}),
      ...(v.tail !== undefined ? { tail: v.tail } : {}),
      ...(keyword !== undefined ? { keyword } : {}),
      ...(v.abort === true ? { abort: true } : {}),
      ...(v.nonFatal === true ? { nonFatal: true } : {}),
    };
    this.diags.push(d);
  }

  reportAll(loc: Loc, r: ParseResult, keyword: string): void {
    if (r === undefined || r === null) return;
    if (Array.isArray(r)) for (const v of r as readonly Verdict[]) this.report(loc, v, keyword);
    else this.report(loc, r as Verdict, keyword);
  }

  get sectionName(): string {
    const s = this.section;
    switch (s.kind) {
      case 'global': return 'global';
      case 'proxy': return s.px.kind;
      case 'skipped': return s.name;
      case 'none': return '';
    }
  }

  /** One statement (a non-empty line outside false conditional blocks). */
  statement(st: Statement): void {
    const w0 = st.words[0];
    if (w0 === undefined) return;
    const kw = w0.text;
    if (HAPROXY_SECTIONS.has(kw)) { this.openSection(kw, st); return; }
    const s = this.section;
    switch (s.kind) {
      case 'none':
        this.report(st.loc, { severity: 'alert', code: 'HLY_CFG_UNKNOWN_KEYWORD', message: `unknown keyword '${kw}' out of section.`, style: 'parsing-tight' }, kw);
        return;
      case 'skipped':
        return; // the section line already said it is not supported
      case 'global':
        this.globalStatement(st);
        return;
      case 'proxy':
        this.proxyStatement(s.px, st);
        return;
    }
  }

  /** End of one file: HAProxy closes the current section at the end of each file. */
  endOfFile(): void {
    this.section = { kind: 'none' };
  }

  private openSection(kw: string, st: Statement): void {
    const a = st.words.map((w) => w.text);
    switch (kw) {
      case 'global':
        this.section = { kind: 'global' };
        if (a.length > 1) this.report(st.loc, { severity: 'alert', code: 'HLY_CFG_BAD_ARG', message: `'global' cannot handle unexpected argument '${a[1]}'.` }, kw);
        return;
      case 'defaults':
      case 'frontend':
      case 'backend':
      case 'listen':
        this.openProxy(kw, st, a);
        return;
      default:
        this.section = { kind: 'skipped', name: kw };
        this.report(st.loc, { severity: 'alert', code: 'HLY_CFG_UNSUPPORTED', message: `'${kw}' sections are not supported by Halyard.` }, kw);
    }
  }

  private openProxy(kind: ProxyKind, st: Statement, a: readonly string[]): void {
    let name = a[1] ?? '';
    let fromName: string | undefined;
    let rest = 2;
    if (kind === 'defaults' && name === 'from') { name = ''; rest = 1; }
    if (a[rest] === 'from') fromName = a[rest + 1];
    if (kind !== 'defaults' && name === '') {
      this.report(st.loc, { severity: 'alert', code: 'HLY_CFG_BAD_ARG', message: `'${kind}' expects an <id> argument`, abort: true }, kind);
      this.section = { kind: 'skipped', name: kind };
      return;
    }
    const bad = NAME_CHAR.test(name) ? undefined : [...name].find((c) => !NAME_CHAR.test(c));
    if (bad !== undefined) {
      this.report(st.loc, { severity: 'alert', code: 'HLY_CFG_BAD_ARG', message: `character '${bad}' is not permitted in '${kind}' name '${name}'.`, abort: true }, kind);
    }
    const extra = fromName !== undefined ? a[rest + 2] : a[rest];
    if (extra !== undefined && (kind === 'listen' || kind === 'frontend') && /:/.test(extra)) {
      this.report(st.loc, { severity: 'alert', code: 'HLY_CFG_REMOVED', message: `please use the 'bind' keyword for listening addresses.` }, kind);
    } else if (extra !== undefined) {
      this.report(st.loc, { severity: 'alert', code: 'HLY_CFG_BAD_ARG', message: `'${kind}' cannot handle unexpected argument '${extra}'.` }, kind);
    }

    let base = this.curDefaults;
    if (fromName !== undefined) {
      const d = this.namedDefaults.get(fromName);
      if (d === undefined) {
        this.report(st.loc, { severity: 'alert', code: 'HLY_CFG_REFERENCE', message: `defaults section '${fromName}' not found for ${kind} '${name}'.`, abort: true }, kind);
        this.section = { kind: 'skipped', name: kind };
        this.stopFile = true;
        return;
      }
      base = d;
      this.explicitlyUsed.add(d);
    } else if (base.name !== '') {
      this.implicitlyUsed.add(base);
    }
    if (fromName !== undefined) {
      const all = this.defaultsByName.get(fromName) ?? [];
      if (all.length > 1) {
        const at = all.map((d) => `${d.loc.file}:${d.loc.line}`);
        this.report(st.loc, { severity: 'alert', code: 'HLY_CFG_REFERENCE', message: `ambiguous defaults section name '${fromName}' referenced by ${kind} '${name}' exists at least at ${at[0] ?? ''} and ${at[1] ?? ''}.` }, kind);
      }
    }
    if (base.name !== '' && this.inheritsRules(base, kind, st)) return;
    const px = proxyFromDefaults(base, kind, name, st.loc);
    if (kind === 'defaults') {
      // A defaults section starts from the built-in values unless it says `from`.
      const fresh = fromName !== undefined ? px : builtinProxy('defaults', name, st.loc);
      if (fromName !== undefined) { fresh.kind = 'defaults'; }
      this.curDefaults = fresh;
      if (name !== '') {
        this.namedDefaults.set(name, fresh);
        this.defaultsByName.set(name, [...(this.defaultsByName.get(name) ?? []), fresh]);
      }
      this.section = { kind: 'proxy', px: fresh };
      return;
    }
    this.checkDuplicate(px, st.loc);
    this.proxies.push(px);
    this.section = { kind: 'proxy', px };
  }

  /**
   * HAProxy's limits on defaults sections that define TCP/HTTP rules: no other defaults, no listen,
   * and not both frontends and backends may inherit from one. True when the section is refused.
   */
  private inheritsRules(def: ProxyConfig, kind: ProxyKind, st: Statement): boolean {
    const tcp = def.tcpRequest;
    const tcpRules = tcp === undefined ? 0 : tcp.connection.length + tcp.session.length + tcp.content.length;
    if (def.httpRequest.length + def.httpResponse.length + def.httpAfterResponse.length + tcpRules === 0) return false;
    const at = `(defaults section at ${def.loc.file}:${def.loc.line})`;
    const refuse = (message: string): boolean => {
      this.report(st.loc, { severity: 'alert', code: 'HLY_CFG_PLACEMENT', style: 'parsing-tight', message, abort: true }, kind);
      this.section = { kind: 'skipped', name: kind };
      return true;
    };
    if (kind === 'defaults') return refuse(`a defaults section cannot inherit from a defaults section defining TCP/HTTP rules ${at}.`);
    if (kind === 'listen') return refuse('a listen section cannot inherit from a defaults section defining TCP/HTTP rules.');
    const side = kind === 'frontend' ? 'fe' : 'be';
    const first = this.rulesInheritedBy.get(def);
    if (first !== undefined && first !== side) {
      return refuse(`frontends and backends cannot inherit from the same defaults section if it defines TCP/HTTP rules ${at}.`);
    }
    this.rulesInheritedBy.set(def, side);
    return false;
  }

  private checkDuplicate(px: ProxyConfig, loc: Loc): void {
    const fe = px.kind === 'frontend' || px.kind === 'listen';
    const be = px.kind === 'backend' || px.kind === 'listen';
    // haproxy 2.6 checks a new listen only against earlier frontends/listens (a backend then a listen of
    // the same name is accepted; the other order is refused), observed in test/fixtures/config
    const clash = (fe ? this.fePxByName.get(px.name) : undefined) ?? (be && px.kind !== 'listen' ? this.bePxByName.get(px.name) : undefined);
    if (clash !== undefined) {
      this.report(loc, {
        severity: 'alert', code: 'HLY_CFG_DUPLICATE', style: 'Parsing-tight',
        message: `${px.kind} '${px.name}' has the same name as ${clash.kind} '${clash.name}' declared at ${clash.loc.file}:${clash.loc.line}.`,
      }, px.kind);
    }
    if (fe && !this.fePxByName.has(px.name)) this.fePxByName.set(px.name, px);
    if (be && !this.bePxByName.has(px.name)) this.bePxByName.set(px.name, px);
  }

  private splitInverse(st: Statement): { args: readonly Word[]; inverse: 'no' | 'default' | undefined } {
    const w0 = st.words[0]?.text;
    if ((w0 === 'no' || w0 === 'default') && st.words.length > 1) return { args: st.words.slice(1), inverse: w0 };
    return { args: st.words, inverse: undefined };
  }

  private globalStatement(st: Statement): void {
    const { args, inverse } = this.splitInverse(st);
    const kw = args[0]?.text ?? '';
    const row = globalKeywordIndex.get(kw);
    const ctx: GlobalKwContext = { parser: this, loc: st.loc, args, a: args.map((w) => w.text), inverse, global: this.global };
    if (row === undefined) { this.reportAll(st.loc, unknownGlobal(kw), kw); return; }
    this.reportAll(st.loc, row.parse(ctx), kw);
  }

  private proxyStatement(px: ProxyConfig, st: Statement): void {
    const { args, inverse } = this.splitInverse(st);
    const kw = args[0]?.text ?? '';
    const row: ProxyKeyword | undefined = proxyKeywordIndex.get(kw);
    const ctx: ProxyKwContext = {
      parser: this, loc: st.loc, args, a: args.map((w) => w.text), inverse, px,
      anonymousDefaults: px.kind === 'defaults' && px.name === '',
    };
    if (row === undefined) { this.reportAll(st.loc, unknownProxy(kw, px.kind), kw); return; }
    this.reportAll(st.loc, row.parse(ctx), kw);
  }
}
