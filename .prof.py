import sys, time, os
sys.path.insert(0, "/work/wt-roster-revision/bench"); sys.path.insert(0, "/work/wt-roster-revision")
import bench_excel as b
size = int(sys.argv[1]); n = int(sys.argv[2])
real = b.RealUnits((size,))
cycle, unit, batch, data = real.cases[0]
b.whole_path(cycle, unit, data)
print("ready", flush=True)
t = time.process_time()
for _ in range(n):
    b.whole_path(cycle, unit, data)
print("whole ms", (time.process_time() - t) / n * 1000)
t = time.process_time()
for _ in range(n):
    b.bare_calamine(data)
print("calamine ms", (time.process_time() - t) / n * 1000)
from kdweb.services import uploads
t = time.process_time()
for _ in range(n * 10):
    uploads.roster_if_changed(cycle, unit)
print("roster_if_changed ms", (time.process_time() - t) / (n * 10) * 1000)
print("load", os.getloadavg()[0])
real.close()
