"""Render fiber glyphs of a heartsim fibers.xdmf with ParaView (host pvpython, headless under xvfb):

    xvfb-run -a -s "-screen 0 1280x1024x24" pvpython scripts/render_fibers.py results/fib/fibers.xdmf out.png

The wall is clipped at y = 0; line glyphs show the fiber direction at every second node.
"""
import sys

from paraview.simple import *  # noqa: F403 (pvpython only)
r = Xdmf3ReaderS(FileName=[sys.argv[1]])
r.UpdatePipeline()
clip = Clip(Input=r); clip.ClipType = 'Plane'; clip.ClipType.Normal = [0, 1, 0]; clip.ClipType.Origin = [0, 0, 0]
g = Glyph(Input=clip, GlyphType='Line')
g.OrientationArray = ['POINTS', 'fiber']; g.ScaleArray = ['POINTS', 'No scale array']; g.ScaleFactor = 1.4
g.GlyphMode = 'Every Nth Point'; g.Stride = 2
v = CreateView('RenderView'); v.ViewSize = [900, 700]; v.Background = [1, 1, 1]
try:
    v.OrientationAxesVisibility = 0
    v.UseColorPaletteForBackground = 0
except Exception:
    pass
d1 = Show(clip, v); d1.AmbientColor = d1.DiffuseColor = [0.75, 0.75, 0.75]; d1.Opacity = 0.5
d2 = Show(g, v); ColorBy(d2, ('POINTS', 'transmural')); d2.LineWidth = 2.0
d2.RescaleTransferFunctionToDataRange(True, False); d2.Ambient = 1.0; d2.Diffuse = 0.0
lut = GetColorTransferFunction('transmural'); lut.ApplyPreset('Cool to Warm', True); lut.RescaleTransferFunction(0.0, 1.0)
d2.SetScalarBarVisibility(v, False)
v.CameraPosition = [55, -45, 10]; v.CameraFocalPoint = [0, 0, -7]; v.CameraViewUp = [0, 0, 1]
Render(v)
SaveScreenshot(sys.argv[2], v, ImageResolution=[900, 700])
print('saved', sys.argv[2])
