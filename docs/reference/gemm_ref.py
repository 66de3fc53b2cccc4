# PyTorch timing of the GEMM shapes of `bin/implicit bench gemm`: median GFLOP/s (2 m n k / t)
# after a warm-up as long as the timed part. Usage: python3 gemm_ref.py [THREADS] [SECONDS]
import sys, time, json, statistics, torch
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
secs = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
torch.manual_seed(0)
out = {"benchmark": "gemm_ref", "torch": torch.__version__, "threads": torch.get_num_threads()}
for name, m, n, k, ta in [("1024",1024,1024,1024,False),("2048",2048,2048,2048,False),("4096x256x256",4096,256,256,False),("256x256x4096_tn",256,256,4096,True)]:
    a = torch.randn(k, m) if ta else torch.randn(m, k)
    b = torch.randn(k, n)
    f = (lambda: a.t().matmul(b)) if ta else (lambda: a.matmul(b))
    t0 = time.perf_counter(); f(); one = max(time.perf_counter() - t0, 1e-5)
    reps = int(max(5, min(2000, secs / one)))
    for _ in range(reps): f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    out["gflops_" + name] = round(2.0*m*n*k/statistics.median(ts)/1e9, 1)
print(json.dumps(out))
