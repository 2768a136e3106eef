import t from 'tap';
import { load, pair, runCases, type Case } from './kw-cases.js';

const fe = (l: string): string => pair(`    ${l}\n`, ''); // the option is on line 8
const be = (l: string): string => pair('', `    ${l}\n`); // the option is on line 10

const cases: Case[] = [
  { name: 'the usual options are accepted', cfg: pair('    option httplog\n    option dontlognull\n    option forwardfor except 127.0.0.0/8 header X-Real-IP if-none\n    option http-server-close\n    log 127.0.0.1 local0\n', '    option redispatch\n    option allbackups\n    option persist\n    option log-health-checks\n    option httpchk GET /health\n'), verdict: 'valid', clean: true },
  { name: 'an unknown option suggests the one HAProxy suggests', cfg: fe('option forwardedfor'), verdict: 'invalid', line: 8, msg: `unknown option 'forwardedfor'; did you mean 'forwardfor' maybe ?` },
  { name: 'an unknown option without a near one ends with a dot', cfg: fe('option foobar'), verdict: 'invalid', line: 8, msg: `unknown option 'foobar'.` },
  { name: 'http-use-htx suggests httpclose like HAProxy', cfg: fe('option http-use-htx'), verdict: 'invalid', msg: `unknown option 'http-use-htx'; did you mean 'httpclose' maybe ?` },
  { name: '"no option" on an unknown option reports the negation first', cfg: fe('no option foobar'), verdict: 'invalid', msg: `negation/default is not supported for option 'foobar'.` },
  { name: '"no option httplog" is refused', cfg: fe('no option httplog'), verdict: 'invalid', msg: `negation/default is not supported for option 'httplog'.` },
  { name: '"no option forwardfor" is refused', cfg: fe('no option forwardfor'), verdict: 'invalid', msg: `negation/default is not supported for option 'forwardfor'.` },
  { name: '"no option" works on boolean options and connection modes', cfg: pair('    no option dontlognull\n', '    no option allbackups\n    no option redispatch\n    default option redispatch\n    no option httpclose\n'), verdict: 'valid', clean: true },
  { name: '"default option" on a boolean option is refused (a 2.6 quirk)', cfg: be('default option allbackups'), verdict: 'invalid', line: 10, msg: `'option allbackups' cannot handle unexpected argument 'allbackups'.` },
  { name: 'a boolean option takes no argument', cfg: be('option allbackups now'), verdict: 'invalid', line: 10, msg: `'option allbackups' cannot handle unexpected argument 'now'.` },
  { name: 'a backend option in a frontend is ignored with a warning', cfg: fe('option allbackups'), verdict: 'valid', severity: 'warning', line: 8, msg: `'allbackups' ignored because frontend 'fe' has no backend capability.` },
  { name: 'option httpchk in a frontend warns with the bare option name', cfg: fe('option httpchk'), verdict: 'valid', msg: `'httpchk' ignored because frontend 'fe' has no backend capability.` },
  { name: 'option httplog in a backend warns in its own words', cfg: be('option httplog'), verdict: 'valid', msg: `backend 'be' : 'option httplog' directive is ignored in backends.` },
  { name: 'option httplog only takes clf', cfg: fe('option httplog full'), verdict: 'invalid', msg: `keyword 'httplog' only supports option 'clf'.` },
  { name: 'option httplog in tcp mode falls back to tcplog with the line', cfg: pair('    mode tcp\n    log 127.0.0.1 local0\n    option httplog\n', '    mode tcp\n'), verdict: 'valid', line: 10, msg: `'option httplog' not usable with frontend 'fe' (needs 'mode http'). Falling back to 'option tcplog'.` },
  { name: 'forwardfor except needs a network', cfg: fe('option forwardfor except nope'), verdict: 'invalid', msg: `'option forwardfor except' expects <address>[/mask] as argument.` },
  { name: 'forwardfor header needs a name', cfg: fe('option forwardfor header'), verdict: 'invalid', msg: `'option forwardfor header' expects <header_name> as argument.` },
  { name: 'forwardfor rejects other words', cfg: fe('option forwardfor always'), verdict: 'invalid', msg: `'option forwardfor' only supports optional values: 'except', 'header' and 'if-none'.` },
  { name: 'redispatch takes any interval like atol()', cfg: be('option redispatch abc'), verdict: 'valid', clean: true },
  { name: 'forceclose is gone since 2.0', cfg: fe('option forceclose'), verdict: 'invalid', msg: `option 'forceclose' is not supported any more since HAProxy 2.0, please just remove it, or use 'option httpclose' if absolutely needed.` },
  { name: 'internal tuning options warn that they have no effect', cfg: fe('option splice-auto'), verdict: 'valid', severity: 'warning', msg: `'option splice-auto' has no effect in Halyard; ignored.` },
  { name: 'mysql-check is not supported', cfg: be('option mysql-check user haproxy'), verdict: 'invalid', msg: `'option mysql-check' is not supported by Halyard (Halyard runs tcp, httpchk and tcp-check health checks only).` },
  { name: 'option with no name', cfg: fe('option'), verdict: 'invalid', msg: `'option' expects an option name.` },
  { name: 'httplog then tcplog in defaults warns about the override', cfg: `defaults\n    option httplog\n    option tcplog\n${pair('', '').replace(/^defaults\n/, 'defaults\n')}`, verdict: 'valid', line: 3, msg: `'option tcplog' overrides previous 'option httplog' in 'defaults' section.` },
];
runCases(t, cases);

t.test('options are stored for the runtime', async (t) => {
  const r = await load(pair('    option forwardfor except 10.0.0.0/8 if-none\n    option http-server-close\n', '    option redispatch 2\n    option persist\n'));
  const [f, b] = r.config?.proxies ?? [];
  t.same(f?.options.forwardfor, { header: 'X-Forwarded-For', ifNone: true, except: '10.0.0.0/8' });
  t.equal(f?.options.httpConnMode, 'server-close');
  t.same(b?.options.redispatch, { interval: 2 });
  t.equal(b?.options.persist, true);
});
