"""Open heartsim XDMF outputs with ParaView's own reader and print what it sees.

    pvpython scripts/paraview_check.py results/demo/activation.xdmf results/demo/v.xdmf

Runs with any ParaView's pvpython (on Debian: apt install paraview); it is not part of the test
suite because ParaView is not part of heartsim's environment. Prints points, cells, number of time
steps and the range of every point array at the last time, and exits 1 if a file cannot be read.
"""

import sys

from paraview.simple import Xdmf3ReaderS  # noqa: E402  (only inside pvpython)

status = 0
for path in sys.argv[1:]:
    reader = Xdmf3ReaderS(FileName=[path])
    times = list(reader.TimestepValues) if hasattr(reader.TimestepValues, "__len__") else [0.0]
    reader.UpdatePipeline(times[-1] if times else 0.0)
    info = reader.GetDataInformation()
    arrays = {reader.PointData.GetArray(i).GetName(): reader.PointData.GetArray(i).GetRange()
              for i in range(len(reader.PointData))}
    if info.GetNumberOfPoints() == 0 or not arrays:
        status = 1
    print(f"{path}: {info.GetNumberOfPoints()} points, {info.GetNumberOfCells()} cells, "
          f"{len(times)} time step(s), arrays {arrays}")
sys.exit(status)
