"""A NumPy stand-in for CuPy that counts device-to-host transfers, for running the CuPy code paths
of the EP loop on a CPU.

``standin()`` returns a module named ``cupy`` whose functions are NumPy's, with every array or
scalar result wrapped as a :class:`DeviceArray` (0-d for scalars, as CuPy returns). Turning a
DeviceArray into a host value the way CuPy would have to synchronise (``bool()``, ``float()``,
``int()``, ``.item()``, ``.tolist()``, ``.get()``) increments ``DeviceArray.transfers``.
"""

from __future__ import annotations

import types

import numpy as np


class DeviceArray(np.ndarray):
    transfers = 0

    @classmethod
    def _count(cls):
        cls.transfers += 1

    def get(self):
        DeviceArray._count()
        return np.array(self.view(np.ndarray))

    def __bool__(self):
        DeviceArray._count()
        return bool(self.view(np.ndarray))

    def __float__(self):
        DeviceArray._count()
        return float(self.view(np.ndarray))

    def __int__(self):
        DeviceArray._count()
        return int(self.view(np.ndarray))

    def item(self, *args):
        DeviceArray._count()
        return self.view(np.ndarray).item(*args)

    def tolist(self):
        DeviceArray._count()
        return self.view(np.ndarray).tolist()


def _device(value):
    if isinstance(value, np.ndarray):
        return value.view(DeviceArray)
    if isinstance(value, (np.generic, bool, int, float)):
        return np.asarray(value).view(DeviceArray)
    if isinstance(value, tuple):
        return tuple(_device(v) for v in value)
    return value


class _Namespace(types.ModuleType):
    def __getattr__(self, name):
        obj = getattr(np, name)
        if callable(obj) and not isinstance(obj, type):
            def wrapped(*args, **kwargs):
                return _device(obj(*args, **kwargs))
            return wrapped
        return obj


def standin():
    """A fresh ``cupy`` stand-in module (with ``cuda.Device().synchronize()``, counted too)."""
    module = _Namespace("cupy")
    module.ndarray = DeviceArray
    module.cuda = types.SimpleNamespace(Device=lambda: types.SimpleNamespace(synchronize=DeviceArray._count))
    return module
