#!/usr/bin/python3
"""Reference solutions of random cone programs by CVXOPT's conelp (Debian python3-cvxopt), written once
as test fixtures for ConeSolver: run `/usr/bin/python3 cvxopt_fixtures.py > cvxopt-fixtures.txt`.

Form: min c'x s.t. A_eq x = b_eq, G x + s = h, s in R+^l x Q^q1 x ... (CVXOPT's), written out in the
stacked form of ConeSolver: A = [A_eq; G], b = [b_eq; h], rows zero, then nonnegative, then cones;
y = [y_eq; z]. Each problem: a line 'problem NAME STATUS n zero nonneg q1 q2 ...', then lines 'A', 'b',
'c' (A row-major) and, when optimal, 'x' and 'y', each followed by its numbers."""
import numpy as np
from cvxopt import matrix, solvers

solvers.options.update({'show_progress': False, 'abstol': 1e-10, 'reltol': 1e-10, 'feastol': 1e-10, 'maxiters': 200})


def interior(rng, nonneg, socs):
    """A point strictly inside R+^l x Q^q..."""
    v = list(rng.uniform(0.5, 2.0, nonneg))
    for q in socs:
        w = rng.standard_normal(q - 1)
        v += [np.linalg.norm(w) + rng.uniform(0.5, 2.0)] + list(w)
    return np.array(v)


def emit(name, status, n, zero, nonneg, socs, a, b, c, x=None, y=None):
    print('problem', name, status, n, zero, nonneg, *socs)
    for label, v in (('A', a), ('b', b), ('c', c), ('x', x), ('y', y)):
        if v is not None:
            print(label, ' '.join(repr(float(t)) for t in np.asarray(v).ravel()))


def solve(n, zero, nonneg, socs, aeq, beq, g, h, c):
    """conelp at the tightest tolerance it reaches (asked for too much, it can stop with a domain error
    or status 'unknown')."""
    dims = {'l': nonneg, 'q': list(socs), 's': []}
    args = dict(c=matrix(c), G=matrix(g), h=matrix(h), dims=dims)
    if zero:
        args.update(A=matrix(aeq), b=matrix(beq))
    for tol in (1e-10, 1e-9, 1e-8):
        solvers.options.update({'abstol': tol, 'reltol': tol, 'feastol': tol})
        try:
            sol = solvers.conelp(**args)
        except ValueError:
            continue
        if sol['status'] == 'optimal':
            return sol
    raise RuntimeError('conelp failed at every tolerance')


rng = np.random.default_rng(2024)
for k in range(11):
    n = int(rng.integers(3, 7))
    zero = int(rng.integers(0, 2))
    nonneg = int(rng.integers(0, 5))
    socs = [int(q) for q in rng.integers(2, 5, size=int(rng.integers(1, 3)))] if k < 8 else []   # the last three are LPs
    nonneg = max(nonneg, n + 1 - sum(socs))        # [G; A] of full column rank
    m = nonneg + sum(socs)
    g = rng.standard_normal((m, n))
    x0 = rng.standard_normal(n)
    h = g @ x0 + interior(rng, nonneg, socs)      # strictly primal feasible
    aeq = rng.standard_normal((zero, n))
    beq = aeq @ x0
    z0 = interior(rng, nonneg, socs)               # strictly dual feasible: c = -G'z0 - A'y0
    y0 = rng.standard_normal(zero)
    c = -g.T @ z0 - aeq.T @ y0
    sol = solve(n, zero, nonneg, socs, aeq, beq, g, h, c)
    assert sol['status'] == 'optimal', sol['status']
    a = np.vstack([aeq, g])
    emit(('socp%d' if socs else 'lp%d') % k, 'OPTIMAL', n, zero, nonneg, socs, a, np.concatenate([beq, h]), c,
         np.array(sol['x']).ravel(), np.concatenate([np.array(sol['y']).ravel(), np.array(sol['z']).ravel()]))

# Primal infeasible: x in the cone and strictly outside it at once (x0 >= ||x1|| and x0 <= -1).
n, socs = 3, [3]
g = np.vstack([-np.eye(3), [[1.0, 0.0, 0.0]]])
h = np.array([0.0, 0.0, 0.0, -1.0])
c = np.array([1.0, 0.2, -0.3])
sol = solvers.conelp(matrix(c), matrix(g[[3, 0, 1, 2]]), matrix(h[[3, 0, 1, 2]]), {'l': 1, 'q': socs, 's': []})
assert sol['status'] == 'primal infeasible', sol['status']
emit('infeasible', 'INFEASIBLE', n, 0, 1, socs, g[[3, 0, 1, 2]], h[[3, 0, 1, 2]], c)

# Dual infeasible (unbounded below): minimise -x0 over the cone ||x1|| <= x0.
c = np.array([-1.0, 0.1, 0.0])
sol = solvers.conelp(matrix(c), matrix(-np.eye(3)), matrix(np.zeros(3)), {'l': 0, 'q': [3], 's': []})
assert sol['status'] == 'dual infeasible', sol['status']
emit('unbounded', 'UNBOUNDED', 3, 0, 0, [3], -np.eye(3), np.zeros(3), c)
