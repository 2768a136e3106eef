import t from 'tap';
import { load, pair, runCases, type Case } from './kw-cases.js';

const be = (l: string): string => pair('', `    ${l}\n`); // the cookie line is 10

const cases: Case[] = [
  { name: 'insert with every modifier', cfg: be('cookie SRV insert indirect nocache postonly preserve httponly secure domain .example.com domain .example.org maxidle 30m maxlife 8h attr "SameSite=Lax" dynamic'), verdict: 'valid', clean: true },
  { name: 'passive, rewrite and prefix modes', cfg: pair('', '    cookie A\n    cookie B rewrite\n    cookie C prefix indirect\n'), verdict: 'valid', clean: true },
  { name: 'two modes are incompatible', cfg: be('cookie SRV insert prefix'), verdict: 'invalid', line: 10, msg: `cookie 'rewrite', 'insert' and 'prefix' modes are incompatible.` },
  { name: 'rewrite and indirect are incompatible', cfg: be('cookie SRV rewrite indirect'), verdict: 'invalid', msg: `cookie 'rewrite' and 'indirect' modes are incompatible.` },
  { name: 'preserve needs insert or indirect', cfg: be('cookie SRV preserve'), verdict: 'invalid', msg: `cookie 'preserve' requires at least 'insert' or 'indirect'.` },
  { name: 'an unknown cookie option', cfg: be('cookie SRV insert sticky'), verdict: 'invalid', msg: `'cookie' supports 'rewrite', 'insert', 'prefix', 'indirect', 'nocache', 'postonly', 'domain', 'maxidle', 'dynamic', 'maxlife' and 'attr' options.` },
  { name: 'cookie needs a name', cfg: be('cookie'), verdict: 'invalid', msg: `'cookie' expects <cookie_name> as argument.` },
  { name: 'domain needs a value', cfg: be('cookie SRV insert domain'), verdict: 'invalid', msg: `'domain' expects <domain> as argument.` },
  { name: 'a domain without a dot only warns', cfg: be('cookie SRV insert domain localhost'), verdict: 'valid', severity: 'warning', msg: `domain 'localhost' contains no embedded dot, this configuration may not work properly (see RFC6265#5.2.3).` },
  { name: 'maxidle with garbage', cfg: be('cookie SRV insert maxidle 10x'), verdict: 'invalid', msg: `unexpected character 'x' in argument to <maxidle>.` },
  { name: 'maxidle needs a value', cfg: be('cookie SRV insert maxidle'), verdict: 'invalid', msg: `'maxidle' expects <idletime> in seconds as argument.` },
  { name: 'attr refuses ";"', cfg: be('cookie SRV insert attr "a;b"'), verdict: 'invalid', msg: `character '%x3B' is not permitted in attribute value.` },
  { name: 'cookie in tcp mode is ignored with a warning', cfg: pair('    mode tcp\n', '    mode tcp\n    cookie SRV insert\n'), verdict: 'valid', msg: `cookie will be ignored for backend 'be' (needs 'mode http').` },
  { name: 'a server cookie in tcp mode is ignored with a warning', cfg: pair('    mode tcp\n', '    mode tcp\n').replace('127.0.0.1:18081', '127.0.0.1:18081 cookie a'), verdict: 'valid', msg: `backend 'be' : ignoring cookie for server 's1' as HTTP mode is disabled.` },
  { name: 'cookie in a frontend warns but is parsed', cfg: pair('    cookie SRV insert\n', ''), verdict: 'valid', msg: `'cookie' ignored because frontend 'fe' has no backend capability.` },
];
runCases(t, cases);

t.test('cookie settings are stored with maxidle/maxlife in seconds', async (t) => {
  const r = await load(be('cookie SRV insert indirect nocache httponly secure domain .a.com domain .b.com maxidle 30m maxlife 8h attr "SameSite=Lax" attr Partitioned'));
  t.match(r.config?.proxies[1]?.cookie, {
    name: 'SRV', mode: 'insert', indirect: true, nocache: true, httponly: true, secure: true, postonly: false, preserve: false,
    domains: ['.a.com', '.b.com'], maxidle: 1800, maxlife: 28800, attrs: ['SameSite=Lax', 'Partitioned'], dynamic: false,
  });
});

t.test('a bare maxidle number is in seconds', async (t) => {
  const r = await load(be('cookie SRV insert maxidle 90'));
  t.equal(r.config?.proxies[1]?.cookie?.maxidle, 90);
});
