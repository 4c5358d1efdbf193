/*
 * policy_pattern.c — unit test of the pattern functions of the policy
 * sandbox (src/policy/pattern.c: string.find, match, gmatch, gsub) against
 * Lua 5.4 itself.
 *
 * The same Lua text — a table of cases and a driver that runs each with
 * pcall and writes what it returned or the error, one line per case — runs
 * twice: as a policy rule in vigil's sandbox, whose check() returns the
 * lines, and in Debian's lua5.4 interpreter, the reference implementation,
 * which prints them.  Every line must be the same.  The cases cover every
 * class and its complement on all 256 bytes, sets with ranges and classes,
 * anchors, the quantifiers, captures and position captures,
 * back-references, %b, %f, the replacements of gsub with its limit, gmatch
 * with init, the errors of malformed patterns and bad arguments, and a
 * cross product of patterns and subjects.  The limits (a pattern that
 * backtracks without end) are tested in policy_sandbox.c.
 */
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "skip.h"
#include "vigil/policy.h"

extern char **environ;

/* The cases: add(function name, arguments...). */
static const char cases_lua[] =
    "cases = {}\n"
    "local function add(...) cases[#cases + 1] = table.pack(...) end\n"
    /* Every class and its complement against every byte. */
    "local bytes = {}\n"
    "for b = 0, 255 do bytes[#bytes + 1] = string.char(b) end\n"
    "bytes = table.concat(bytes)\n"
    "for _, c in ipairs({'a', 'c', 'd', 'g', 'l', 'p', 's', 'u', 'w', 'x', 'z', 'q', '.', '%', ']'}) do\n"
    "  add('gsub', bytes, '[^%' .. c .. ']', '')\n"
    "  add('gsub', bytes, '%' .. c:upper(), '')\n"
    "  add('find', bytes, '%' .. c .. '+')\n"
    "end\n"
    "add('gsub', bytes, '.', '')\n"
    "add('gsub', bytes, '[^\\128-\\255]+', '')\n"
    "add('gsub', bytes, '[%a%d_]', '')\n"
    /* Sets. */
    "add('find', 'hello World 42', '[A-Z]')\n"
    "add('find', 'hello World 42', '[^%l%s]+')\n"
    "add('match', 'key = value', '([%w_]+)%s*=%s*(%w+)')\n"
    "add('find', 'x-a-b', '[a-]+')\n"
    "add('find', 'x]y', '[]]')\n"
    "add('find', 'x]y', '[^]]+')\n"
    "add('find', 'a^x', '[%^x]+')\n"
    "add('find', 'a-b', '[%a-]+')\n"
    "add('find', '-', '[%a-z]')\n"
    "add('find', 'abc', '[b-a]')\n"
    "add('find', '!]', '[]-a]+')\n"
    "add('find', 'x5y', '[^%d]+')\n"
    "add('find', 'a\\0b', '[%z]')\n"
    "add('find', 'a\\0b', '[\\0]')\n"
    "add('match', 'gr\\195\\188\\195\\159e', '[\\128-\\255]+')\n"
    /* Anchors. */
    "add('find', 'aaa', '^a')\n"
    "add('find', 'baa', '^a')\n"
    "add('find', 'aab', 'b$')\n"
    "add('find', 'ab$', 'b$$')\n"
    "add('find', 'a^b', 'a^b')\n"
    "add('match', '^^', '^^')\n"
    "add('find', 'a$b', '$b')\n"
    "add('gsub', 'hello', '^h', 'H')\n"
    "add('gsub', 'hello', 'l', 'L', 5)\n"
    "add('gsub', 'hello', 'o$', '0')\n"
    "add('gmatch', 'a^b^', '^%a')\n"
    "add('gmatch', '^a^b', '^%a')\n"
    /* Quantifiers. */
    "add('match', 'aaab', 'a*')\n"
    "add('match', 'aaab', 'a+')\n"
    "add('match', 'aaab', 'a-b')\n"
    "add('match', 'aaab', 'a?b')\n"
    "add('match', 'aaab', 'a-')\n"
    "add('match', 'aaab', '^(a-)(a*)b$')\n"
    "add('find', '', 'a*')\n"
    "add('find', 'bbb', 'a*')\n"
    "add('find', 'bbb', 'a+')\n"
    "add('match', '<<x>>', '<(.-)>')\n"
    "add('match', '<<x>>', '<(.*)>')\n"
    "add('match', 'ab', 'x?a?b?')\n"
    "add('find', 'abc', '.-$')\n"
    "add('find', 'aaab', 'a-$')\n"
    "add('match', '  trim me  ', '^%s*(.-)%s*$')\n"
    "add('find', 'a**b', 'a%*+b')\n"
    "add('find', '*a', '*a')\n"
    "add('find', 'a+', 'a+', 1, true)\n"
    "add('find', string.rep('ab', 200) .. 'y', '(ab)+y')\n"
    "add('find', string.rep('a', 150), string.rep('a?', 150))\n"
    "add('find', string.rep('a', 300), string.rep('a?', 300))\n"
    "add('find', 'aaa', string.rep('a?', 300))\n"
    /* Captures. */
    "add('match', 'hello world', '(h)(e)(l)(l)(o)')\n"
    "add('match', 'flaaap', '()aa()')\n"
    "add('find', 'flaaap', '()aa()')\n"
    "add('match', 'abc', '((a)(b(c)))')\n"
    "add('find', 'abc', '(b)')\n"
    "add('match', 'abc', '()')\n"
    "add('match', 'abc', '(%w)()')\n"
    "add('find', string.rep('a', 40), string.rep('(a)', 32))\n"
    "add('find', string.rep('a', 40), string.rep('(a)', 33))\n"
    "add('find', string.rep('a', 10), string.rep('(a)', 33))\n"
    "add('find', 'abc', '(()')\n"
    "add('match', 'a', '(a')\n"
    "add('match', 'b', '(a')\n"
    "add('match', 'a', ')')\n"
    "add('find', 'a', ')')\n"
    "add('find', 'a)', 'a)')\n"
    "add('match', 'a)', 'a%)')\n"
    /* Back-references. */
    "add('match', 'abab', '(ab)%1')\n"
    "add('find', 'abAB', '(ab)%1')\n"
    "add('find', 'xyzxyz', '(x.z)%1')\n"
    "add('match', 'say \"hi\" and \\'bye\\'', '([\"\\'])(.-)%1')\n"
    "add('find', 'aa', '()a%1')\n"
    "add('find', 'abc', '%1')\n"
    "add('find', 'abc', '(a%1)')\n"
    "add('find', 'aa', '(a)%0')\n"
    "add('find', 'aa', '(a)%2')\n"
    "add('find', 'aaa', '(a)%1*')\n"
    /* %b and %f. */
    "add('find', 'x(y(z)w)q', '%b()')\n"
    "add('match', 'f(a(b)c) g(d)', '%b()')\n"
    "add('gsub', 'f(a(b)c) g(d)', '%b()', '')\n"
    "add('find', 'xxx', '%bxx')\n"
    "add('find', '((', '%b()')\n"
    "add('find', '[[x]]', '%b[]')\n"
    "add('find', 'a', '%b')\n"
    "add('find', 'a', '%ba')\n"
    "add('find', 'abc', '%b()*')\n"
    "add('gsub', 'THE (quick) fox', '%f[%a]%a+', 'W')\n"
    "add('find', 'THE (quick) fox', '%f[%a]%a+%f[%A]')\n"
    "add('find', '\\0', '%f[%z]')\n"
    "add('find', 'abc', '%f[%l]')\n"
    "add('find', 'abc', '%f[^%l]')\n"
    "add('find', 'ab', '%f[%a]', 10)\n"
    "add('find', 'a', '%f')\n"
    "add('find', 'a', '%fa')\n"
    "add('find', 'a', '%f[a')\n"
    /* Malformed patterns; a part never reached is no error. */
    "add('find', 'a', '%')\n"
    "add('find', 'a', '[a')\n"
    "add('find', 'a', '[a%')\n"
    "add('find', 'a', '[]')\n"
    "add('find', 'a', '[^')\n"
    "add('find', 'a', '[%]')\n"
    "add('find', '', '[')\n"
    "add('find', 'b', 'a[')\n"
    "add('find', 'a', 'a[')\n"
    "add('find', 'a', '%g%')\n"
    "add('find', 'a-b', '[a-%]b')\n"
    /* gsub: replacement strings. */
    "add('gsub', 'hello world', 'o', '0')\n"
    "add('gsub', 'hello world', '(o)', '[%1]')\n"
    "add('gsub', 'hello world', '(o)(.)', '%2%1')\n"
    "add('gsub', 'abc', '%w', '%0%0')\n"
    "add('gsub', 'abc', '%w', '%%')\n"
    "add('gsub', 'abc', 'b', '%1')\n"
    "add('gsub', 'abc', 'b', '%2')\n"
    "add('gsub', 'abc', '(b)', '%2')\n"
    "add('gsub', 'abc', '(b)', '%9')\n"
    "add('gsub', 'abc', 'b', '%x')\n"
    "add('gsub', 'abc', 'b', '%')\n"
    "add('gsub', 'abc', '()b', '%1')\n"
    "add('gsub', 'abc', '()', '%1')\n"
    "add('gsub', 'abc', '(', 'x')\n"
    "add('gsub', 'abc', '(', '%1')\n"
    "add('gsub', 'abc', 'b', 5)\n"
    "add('gsub', 'abc', 'b', 2.5)\n"
    "add('gsub', 'a\\0c', '%z', '<\\0>')\n"
    /* gsub: tables and functions. */
    "add('gsub', '$name is $age', '%$(%w+)', {name = 'Ann', age = 42})\n"
    "add('gsub', '$name $none', '%$(%w+)', {name = false})\n"
    "add('gsub', 'abc', '%w', {a = 1.5, c = 2^63})\n"
    "add('gsub', 'abc', '%w', {b = true})\n"
    "add('gsub', 'abc', '%w', {a = {}})\n"
    "add('gsub', 'abc', '()', {[1] = 'X', [4] = 'Y'})\n"
    "add('gsub', 'abc', '%w', function(c) return c:byte() end)\n"
    "add('gsub', 'abc', '(%w)()', function(c, pos) return c .. pos end)\n"
    "add('gsub', 'abc', '(b)', function(...) return select('#', ...) end)\n"
    "add('gsub', 'abc', '%w', function() return nil end)\n"
    "add('gsub', 'abc', '%w', function() return false end)\n"
    "add('gsub', 'abc', '%w', function() return {} end)\n"
    "add('gsub', 'abc', '%w', function(c) error('no ' .. c, 0) end)\n"
    "add('gsub', 'abc', '(%w', function(c) return c end)\n"
    "add('gsub', 'hello world', '%w+', string.upper)\n"
    /* gsub: the limit n, empty matches. */
    "add('gsub', 'aaa', 'a', 'b', 0)\n"
    "add('gsub', 'aaa', 'a', 'b', -1)\n"
    "add('gsub', 'aaa', 'a', 'b', 2)\n"
    "add('gsub', 'aaa', 'a', 'b', 2.0)\n"
    "add('gsub', 'aaa', 'a', 'b', '2')\n"
    "add('gsub', 'aaa', 'a', 'b', 2.5)\n"
    "add('gsub', 'abc', 'x*', '-', 2)\n"
    "add('gsub', 'abc ()', '%w*', '-')\n"
    "add('gsub', 'abc', 'b*', 'X')\n"
    "add('gsub', '', '', 'x')\n"
    "add('gsub', 'abc', '', '-')\n"
    "add('gsub', 'abc', '.-', '-')\n"
    "add('gsub', 'a,b,,c', '[^,]*', '<%0>')\n"
    /* gmatch and its init. */
    "add('gmatch', 'k=v, a=b', '(%w+)=(%w+)')\n"
    "add('gmatch', 'one two  three', '%a+')\n"
    "add('gmatch', 'abc', '')\n"
    "add('gmatch', 'abc', '', 2)\n"
    "add('gmatch', 'abc', '.', 10)\n"
    "add('gmatch', 'abc', '()', 4)\n"
    "add('gmatch', 'abc', '()', 5)\n"
    "add('gmatch', 'abc', '()', -1)\n"
    "add('gmatch', 'abc', '%a', -2)\n"
    "add('gmatch', 'abc', '%a', -10)\n"
    "add('gmatch', 'abc', '%a', 0)\n"
    "add('gmatch', 'a,b,,c', '([^,]*)')\n"
    "add('gmatch', 'abc', '(')\n"
    "add('gmatch', 'abc', '[')\n"
    "add('gmatch', 'abc', 'b*')\n"
    /* find and match: init, plain, argument conversions and errors. */
    "add('find', 'a.b', '.', 1, true)\n"
    "add('find', 'a.b', '.', 1, 1)\n"
    "add('find', 'a.b', '.', 1, false)\n"
    "add('find', 'abc', 'b', -1)\n"
    "add('find', 'abc', 'b', -2)\n"
    "add('find', 'abc', 'b', -10)\n"
    "add('find', 'abc', 'c', 0)\n"
    "add('find', 'abc', '', 4)\n"
    "add('find', 'abc', '', 5)\n"
    "add('find', 'abc', 'x', 5, true)\n"
    "add('find', 'abc', '', 4, true)\n"
    "add('find', 'abc', 'bcd', 1, true)\n"
    "add('find', 'abc', 'b', 2.0)\n"
    "add('find', 'abc', 'b', '2')\n"
    "add('find', 'abc', 'b', 2.5)\n"
    "add('find', 'abc', 'b', {})\n"
    "add('find', 'abc', 'b', nil, true)\n"
    "add('find', 'abc', 'b', math.maxinteger)\n"
    "add('find', 'abc', 'b', math.mininteger)\n"
    "add('find', nil, 'x')\n"
    "add('find', 'x', nil)\n"
    "add('find', 123, 2)\n"
    "add('find', 1.5, '%.')\n"
    "add('find', 'a\\0b', '\\0')\n"
    "add('find', 'a\\0b', '\\0', 1, true)\n"
    "add('find', 'a\\0(b', '\\0(')\n"
    "add('match', 'abc', '', 5)\n"
    "add('match', 'abc', 'c', -1)\n"
    "add('match', 'abc', '^b', 2)\n"
    "add('match', 'today is 2024-06-30', '(%d+)-(%d+)-(%d+)')\n"
    "add('match', 'x', {})\n"
    "add('gsub', 'a', 'a')\n"
    "add('gsub', 'a', 'a', true, 1.5)\n"
    "add('gsub', 'a', 'a', true)\n"
    "add('gsub', 'a', nil, 'x')\n"
    "add('gmatch', 'abc')\n"
    "add('gmatch', 'abc', 'a', {})\n"
    /* A cross product. */
    "local patterns = {'a', '.', '%a+', '%d*', 'a-b', '^a', 'b$', '[abc]+', '[^abc]', '(a)(b)', '()b()',\n"
    "  '(a*(.)%w(%s*))', '%bab', '%f[%w]', '%f[%W]', '(.)%1', 'a?b?c?', '.-c', '[%a%d]+', '%s+', '^$', '',\n"
    "  '$', '^', '[a-c%d]*', 'x*$', '(%w+)%s*=%s*(%w+)', '%W', '%p+', '[%p%s]', '%x%x', '(%d)(%a)', 'c*b+a-',\n"
    "  '^(.-)(b*)$', '%u', '[]', '%'}\n"
    "local subjects = {'', 'a', 'abc', 'aabbcc', 'abcabc', 'a b c', 'x = 12', '12ab34', 'hello, world!', 'aaa',\n"
    "  'cba', 'a1b2c3', 'ABba'}\n"
    "for _, p in ipairs(patterns) do\n"
    "  for _, s in ipairs(subjects) do\n"
    "    add('find', s, p)\n"
    "    add('find', s, p, 2)\n"
    "    add('match', s, p)\n"
    "    add('gsub', s, p, '<%0>')\n"
    "    add('gsub', s, p, function(...) return table.concat({...}, '|') end)\n"
    "    add('gmatch', s, p)\n"
    "  end\n"
    "end\n";

/* Runs every case; run() returns one line per case: the call, then what it
 * returned or "error" and the message. */
static const char driver_lua[] =
    "local function show(v)\n"
    "  local t = type(v)\n"
    "  if t == 'string' then\n"
    "    local out = {}\n"
    "    for i = 1, #v do\n"
    "      local b = v:byte(i)\n"
    "      out[i] = (b < 32 or b > 126 or b == 92) and string.format('\\\\%03d', b) or string.char(b)\n"
    "    end\n"
    "    return '\"' .. table.concat(out) .. '\"'\n"
    "  elseif math.type(v) == 'integer' then return 'i' .. string.format('%d', v)\n"
    "  elseif t == 'number' then return 'f' .. string.format('%.17g', v)\n"
    "  elseif t == 'table' or t == 'function' then return t\n"
    "  end\n"
    "  return tostring(v)\n"
    "end\n"
    "local function show_all(r, from)\n"
    "  local out = {}\n"
    "  for i = from, r.n do out[#out + 1] = show(r[i]) end\n"
    "  return table.concat(out, ' ')\n"
    "end\n"
    "local function gmatch_all(...)\n"
    "  local it, found = string.gmatch(...), {}\n"
    "  for _ = 1, 100 do\n"
    "    local r = table.pack(it())\n"
    "    if r.n == 0 or r[1] == nil then found[#found + 1] = 'end/' .. r.n; break end\n"
    "    found[#found + 1] = show_all(r, 1)\n"
    "  end\n"
    "  return table.concat(found, ', ')\n"
    "end\n"
    "function run()\n"
    "  local lines = {}\n"
    "  for i, c in ipairs(cases) do\n"
    "    local r\n"
    "    if c[1] == 'gmatch' then r = table.pack(pcall(gmatch_all, table.unpack(c, 2, c.n)))\n"
    "    else r = table.pack(pcall(string[c[1]], table.unpack(c, 2, c.n))) end\n"
    "    lines[i] = string.format('%d %s(%s) -> %s %s', i, c[1], show_all(c, 2), r[1] and 'ok' or 'error',\n"
    "                             show_all(r, 2))\n"
    "  end\n"
    "  return lines\n"
    "end\n";

/* Runs lua5.4 -e SCRIPT; its standard output in *out (malloc'd).  Returns
 * 0, or the errno of a failed start (ENOENT: no lua5.4), or -1 when it
 * ran and failed. */
static int run_lua(const char *script, char **out)
{
    int fds[2];
    *out = NULL;
    if (pipe(fds) != 0)
        return errno;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    char *argv[] = {"lua5.4", "-e", (char *)script, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "lua5.4", &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return rc;
    }
    size_t len = 0, cap = 1 << 16;
    char *buf = malloc(cap);
    ssize_t n;
    while (buf && (n = read(fds[0], buf + len, cap - len - 1)) > 0) {
        len += (size_t)n;
        if (cap - len < 4096) {
            char *grown = realloc(buf, cap *= 2);
            if (!grown)
                free(buf);
            buf = grown;
        }
    }
    close(fds[0]);
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !buf) {
        free(buf);
        return -1;
    }
    buf[len] = '\0';
    *out = buf;
    return 0;
}

int main(void)
{
    static char rule[sizeof cases_lua + sizeof driver_lua + 64];
    static char reference[sizeof cases_lua + sizeof driver_lua + 256];
    snprintf(rule, sizeof rule, "%s%sfunction check() return run() end\n", cases_lua, driver_lua);
    /* The same chunk name as in the sandbox, for the messages of errors. */
    snprintf(reference, sizeof reference,
             "assert(load([==[%s%s]==], '=rule'))()\nfor _, line in ipairs(run()) do io.write(line, '\\n') end\n",
             cases_lua, driver_lua);

    char *expected;
    int rc = run_lua(reference, &expected);
    if (rc == ENOENT)
        return test_skip("lua5.4 (Debian package lua5.4, installed by setup.sh --test) is not on PATH");
    CHECK(rc == 0, "lua5.4 failed on the reference script (%d)", rc);
    if (rc != 0)
        return 1;

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_policy_rule *r = NULL;
    json_t *got = NULL;
    rc = vg_policy_rule_compile(&ctx, "patterns.lua", rule, strlen(rule), NULL, &r);
    CHECK(rc == VG_OK, "compile: %s", ctx.message);
    if (rc == VG_OK) {
        rc = vg_policy_rule_run(&ctx, r, "check", NULL, &got);
        CHECK(rc == VG_OK && json_is_array(got), "run: %s", ctx.message);
    }

    /* Line by line; each line names its case. */
    size_t i = 0, cases = 0;
    for (char *line = expected, *nl; *line; line = nl + 1, i++) {
        nl = strchr(line, '\n');
        if (!nl)
            break;
        *nl = '\0';
        const char *mine = json_string_value(json_array_get(got, i));
        CHECK(mine && strcmp(mine, line) == 0, "case %zu:\n lua5.4 %s\n vigil  %s", i + 1, line,
              mine ? mine : "(none)");
        cases++;
    }
    CHECK(cases > 2000 && cases == json_array_size(got), "%zu lines from lua5.4, %zu from the sandbox", cases,
          json_array_size(got));

    json_decref(got);
    vg_policy_rule_free(r);
    vg_ctx_free(&ctx);
    free(expected);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    return failures != 0;
}
