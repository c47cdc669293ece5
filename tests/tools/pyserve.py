#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""pyserve: one python3 for many small python jobs of a guest test.

    pyserve.py DIR      serve requests through the FIFOs DIR/in, DIR/out
    pyserve.py          answer one request from stdin on stdout

A python3 start costs 0.5 to 1 s in a TCG guest, and tests poll srtpctl -j
output with wait_for and talk to srtpd with ngc.py many times over:
tests/vm/lib.bash starts a server once (pyserve_start; in a network
namespace if the job needs one) and sends it requests.  Its clients open
the FIFOs by name, so subshells and background jobs use it too (lib.bash
serializes them with a lock).  Per request the server opens DIR/in, reads
one request, opens DIR/out and writes the reply.  It dies with the shell
that started it (PR_SET_PDEATHSIG).

A request is a count line N, then N arguments, each a byte-length line
followed by that many bytes:

    get JSON EXPR             str(EXPR) with the JSON as d, a line
    checks JSON EXPR=VALUE... a line for every EXPR that does not print as
                              VALUE; status 1 if any
    run SCRIPT ARG...         the python script as its own program would
                              run (sys.argv, __main__), in a child of
                              the server (fork: no state outlives it)

The reply is a status line, then the standard output and the standard
error, each a byte-length line followed by that many bytes.  An
expression that raises gives status 1 and the exception on the standard
error, as a failed python3 -c would.
"""

import contextlib
import ctypes
import io
import json
import os
import runpy
import signal
import sys
import tempfile
import traceback


def read_request(inp):
    line = inp.readline()
    if not line:
        return None
    args = []
    for _ in range(int(line)):
        size = int(inp.readline())
        args.append(inp.read(size).decode())
    return args


def scope(text):
    """The expressions' globals: the JSON as d, and json (a global, so
    that comprehensions and lambdas in an expression see d too)."""
    return {'d': json.loads(text), 'json': json}


def get(out, text, expr):
    print(eval(expr, scope(text)), file=out)
    return 0


def checks(out, text, *pairs):
    g = scope(text)
    status = 0
    for check in pairs:
        expr, want = check.rsplit('=', 1)
        try:
            got = str(eval(expr, g))
        except Exception as e:  # a missing key is a failed check
            got = repr(e)
        if got != want:
            print(f'{expr}: expected {want}, got {got}', file=out)
            status = 1
    return status


def run(script, *args):
    """Runs a python script as its own process would, in a child of this
    one, so that nothing it changes (its namespace by setns(), globals,
    descriptors, signal handlers) outlives it: forking a warm python3
    costs little, starting one does.  Returns status, output, errors."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                sys.argv = [script, *args]
                runpy.run_path(script, run_name='__main__')
                code = 0
            except SystemExit as e:
                if e.code is None or isinstance(e.code, int):
                    code = e.code or 0
                else:
                    print(e.code, file=sys.stderr)
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code < 0:  # killed by a signal, as a shell says it
            code = 128 - code
        out.seek(0)
        err.seek(0)
        return code, out.read(), err.read()


def answer(args):
    """The reply to one request, as bytes."""
    if args and args[0] == 'run' and len(args) > 1:
        status, out, err = run(*args[1:])
    else:
        ops = {'get': get, 'checks': checks}
        outs, errs = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(errs):
            try:
                status = ops[args[0]](outs, *args[1:])
            except Exception as e:
                print(f'pyserve: {args[0] if args else ""}: {e!r}',
                      file=sys.stderr)
                status = 1
        out, err = outs.getvalue().encode(), errs.getvalue().encode()
    return b'%d\n%d\n%s%d\n%s' % (status, len(out), out, len(err), err)


def serve(fifo_dir):
    """Requests on fifo_dir/in, replies on fifo_dir/out, until killed."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the shell is gone already
        return
    while True:
        with open(os.path.join(fifo_dir, 'in'), 'rb') as inp:
            try:
                args = read_request(inp)
            except ValueError as e:  # a broken request still gets a reply
                args = ['bad request', str(e)]
        if args is None:  # opened and closed: nothing to answer
            continue
        reply = answer(args)
        with open(os.path.join(fifo_dir, 'out'), 'wb') as out:
            out.write(reply)


def main():
    if len(sys.argv) > 1:
        serve(sys.argv[1])
        return
    args = read_request(sys.stdin.buffer)
    sys.stdout.buffer.write(answer(args or ['bad request']))


if __name__ == '__main__':
    main()
