"""``heartsim devices report RUN_FOLDER``: every configured site of a finished run, tracked with the
tissue motion the run wrote, reduced to its metrics and written into ``RUN_FOLDER/devices/``:

    <name>.csv       time series, one column per metric, the unit in the column name (time_ms, length_mm, ...)
    <name>.png       the main metrics against time
    <name>.vtu       the site's region only (points or wall triangles) with its fields at the time of peak
    summary.json     per site: kind, per metric peak / mean / amplitude / min / max / time of peak / unit,
                     and the whole-run numbers (bench-test table, safety factor, fixation margin)

Every site is checked before anything is written (a bad site is one ConfigError line naming it).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from heartsim.config.errors import ConfigError
from heartsim.devices import fields
from heartsim.devices.landing import centreline_axis, landing_metrics, pressure_force, triangle_normals
from heartsim.devices.lead import lead_metrics
from heartsim.devices.result import SiteError, SiteResult
from heartsim.devices.ring import annulus_metrics
from heartsim.devices.summary import site_summary
from heartsim.devices.vessel import select_rings, vessel_metrics
from heartsim.devices.vtu import write_vtu
from heartsim.io.outputs import write_json_atomic


class RunView:
    """A run's mesh, its motion (zero when the run has none) and the files the sites read."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.resolved = fields.read_resolved(folder)
        series = fields.motion(folder)
        self.moving = series is not None
        self.pressure = None
        if series is None:
            found = fields.any_mesh_series(folder)
            if found is None:
                raise ConfigError([f"{folder}: the run wrote no field in XDMF (displacement, pressure or v); "
                                   "device sites need one (output.formats: [xdmf])"])
            series, name = found
            if name == "pressure":
                self.pressure = series
            series = fields.Series(series.points, series.cells, series.times,
                                   [np.zeros_like(series.points)] * len(series.times))
        self.series = series
        self.times = series.times
        self._boundary = None

    def track(self, site: str, points: np.ndarray) -> np.ndarray:
        """Positions (nt, n, 3) of reference ``points`` moving with the tissue."""
        where = fields.locate(self.series.points, self.series.cells, points, site)
        return np.stack([points + fields.interpolate(self.series.cells, where, u) for u in self.series.values])

    def node_positions(self, idx: np.ndarray) -> np.ndarray:
        return np.stack([self.series.points[idx] + u[idx] for u in self.series.values])

    def boundary(self) -> np.ndarray:
        if self._boundary is None:
            tris = fields.boundary_triangles(self.series.cells)
            self._boundary = fields.orient_outward(self.series.points, self.series.cells, tris)
        return self._boundary

    def mesh_file(self) -> Path | None:
        file = (self.resolved.get("mesh") or {}).get("file")
        return Path(file) if file else None

    def tagged_triangles(self, tag, key: str) -> np.ndarray:
        """Boundary triangles of the field mesh carrying facet tag ``tag`` (name or number) in the mesh file."""
        from scipy.spatial import cKDTree

        found = fields.facet_tags(self.mesh_file()) if self.mesh_file() else None
        if found is None:
            raise ConfigError([f"{key}: the run's mesh has no facet tags to find {tag!r} in"])
        pts, tris, names, vals = found
        value = names.get(tag, tag) if isinstance(tag, str) else tag
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if value not in set(vals.tolist()):
            raise ConfigError([f"{key}: no facet tag {tag!r} in {self.mesh_file().name} "
                               f"(have {', '.join(names) or sorted(set(vals.tolist()))})"])
        tagged = pts[tris[vals == value]].mean(axis=1)
        bnd = self.boundary()
        dist, _ = cKDTree(tagged).query(self.series.points[bnd].mean(axis=1))
        scale = np.ptp(self.series.points, axis=0).max()
        return bnd[dist <= 1e-6 * scale]


def _lead(view: RunView, site) -> SiteResult:
    pos = view.track(site.name, np.array(site.points, float))
    return lead_metrics(site.name, view.times, pos, site.radius, site.fatigue_strain_limit)


def _annulus(view: RunView, site) -> SiteResult:
    from heartsim.devices.ring import fit_plane

    if site.between is not None:
        key = f"devices.sites.{site.name}.between"
        shared = np.intersect1d(*(np.unique(view.tagged_triangles(tag, key)) for tag in site.between))
        if len(shared) < 3:
            raise ConfigError([f"{key}: facet tags {site.between[0]} and {site.between[1]} share "
                               f"{len(shared)} node(s); a ring needs at least 3"])
        c, _, axes = fit_plane(view.series.points[shared], site.name)
        uv = (view.series.points[shared] - c) @ axes.T
        ring = shared[np.argsort(np.arctan2(uv[:, 1], uv[:, 0]))]
        return annulus_metrics(site.name, view.times, view.node_positions(ring))
    fit_plane(np.array(site.points, float), site.name)  # degenerate rings before locating points
    return annulus_metrics(site.name, view.times, view.track(site.name, np.array(site.points, float)))


def _vessel(view: RunView, site) -> SiteResult:
    tris = view.tagged_triangles(site.wall, f"devices.sites.{site.name}.wall") if site.wall else view.boundary()
    nodes = np.unique(tris)
    rings = select_rings(site.name, np.array(site.centreline, float), view.series.points[nodes], site.slab,
                         site.max_radius)
    return vessel_metrics(site.name, view.times, [view.node_positions(nodes[r]) for r in rings])


def _region_triangles(view: RunView, region, key: str) -> np.ndarray:
    from heartsim.mesh.regions import points_in_region

    if region.tag is not None:
        return view.tagged_triangles(region.tag, f"{key}.tag")
    bnd = view.boundary()
    try:  # only the wall: caps (inlet/outlets) carry no device
        bnd = view.tagged_triangles("wall", key)
    except ConfigError:
        pass
    inside = points_in_region(view.series.points[bnd].mean(axis=1), region)
    if not inside.any():
        raise ConfigError([f"{key}: contains no wall facet of the run's mesh"])
    return bnd[inside]


def _near_triangles(view: RunView, near, key: str) -> np.ndarray:
    cap = view.tagged_triangles(near.tag, f"{key}.tag")
    centre = view.series.points[np.unique(cap)].mean(axis=0)
    wall = view.tagged_triangles("wall", key) if _has_tag(view, "wall") else view.boundary()
    d = np.linalg.norm(view.series.points[wall].mean(axis=1) - centre, axis=1)
    inside = (d >= near.min_distance) & (d <= near.max_distance)
    if not inside.any():
        raise ConfigError([f"{key}: no wall facet between {near.min_distance:g} and {near.max_distance:g} mm "
                           f"of {near.tag}"])
    return wall[inside]


def _has_tag(view: RunView, name: str) -> bool:
    found = fields.facet_tags(view.mesh_file()) if view.mesh_file() else None
    return found is not None and name in found[2]


def _landing(view: RunView, site) -> SiteResult:
    key = f"devices.sites.{site.name}"
    pts = view.series.points
    if site.force_region is not None:
        regions = ((view.resolved.get("physics") or {}).get("flow") or {}).get("force_regions") or {}
        forces = fields.read_forces(view.folder)
        if site.force_region not in regions or site.force_region not in forces:
            raise ConfigError([f"{key}.force_region: the run has no force region {site.force_region!r} "
                               f"(have {', '.join(regions) or 'none'})"])
        from heartsim.config.base import Region

        tris = _region_triangles(view, Region.model_validate(regions[site.force_region]), f"{key}.force_region")
        times, force = forces[site.force_region]
    else:
        if view.pressure is None:
            raise ConfigError([f"{key}.region: the run wrote no pressure field (landing zones need a flow run)"])
        tris = _region_triangles(view, site.region, f"{key}.region") if site.region is not None else \
            _near_triangles(view, site.near, f"{key}.near")
        times = view.pressure.times
        force = np.array([pressure_force(pts, tris, p.ravel()) for p in view.pressure.values])
    area = float(triangle_normals(pts, tris)[0].sum())
    axis = np.array(site.axis, float) if site.axis is not None else centreline_axis(pts, tris)
    result = landing_metrics(times, force, area, axis, site.pull_out_force)
    used = np.unique(tris)
    remap = np.full(len(pts), -1)
    remap[used] = np.arange(len(used))
    result.points = pts[used][None]
    result.cells = remap[tris]
    if view.pressure is not None:
        k = int(np.argmax(result.columns["magnitude_mN"]))
        kp = int(np.argmin(np.abs(view.pressure.times - times[k])))
        result.point_fields = {"pressure_kPa": view.pressure.values[kp].ravel()[used][None]}
    result.scalars["axis_x"], result.scalars["axis_y"], result.scalars["axis_z"] = map(float, axis)
    return result


ANALYSES = {"lead": _lead, "annulus": _annulus, "vessel_segment": _vessel, "landing_zone": _landing}
#: columns plotted per kind (the rest are in the CSV)
PLOTTED = {"lead": ("length_strain", "max_curvature_1_mm", "max_bending_strain", "tip_displacement_mm"),
           "annulus": ("area_mm2", "perimeter_mm", "eccentricity", "excursion_mm", "tilt_deg"),
           "vessel_segment": ("mean_diameter_mm", "axial_strain", "min_bending_radius_mm", "twist_deg"),
           "landing_zone": ("magnitude_mN", "force_per_area_kPa", "angle_to_axis_deg")}


def analyse(folder: Path, devices) -> dict[str, SiteResult]:
    """Every site of ``devices`` (a DevicesConfig) on the run in ``folder``; nothing is written."""
    if not devices.sites:
        raise ConfigError(["devices.sites: no device sites configured (add them to the config or give --config)"])
    view = RunView(folder)
    results = {}
    for site in devices.sites:
        try:
            results[site.name] = ANALYSES[site.type](view, site)
        except SiteError as exc:
            raise ConfigError([str(exc)]) from None
    return results


def _plot(path: Path, name: str, result: SiteResult) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [k for k in PLOTTED[result.kind] if k in result.columns]
    fig, axes = plt.subplots(len(keys), 1, figsize=(5.5, 1.7 * len(keys) + 0.6), sharex=True, squeeze=False)
    t = result.columns["time_ms"]
    for ax, key in zip(axes[:, 0], keys):
        ax.plot(t, result.columns[key], "o-" if len(t) < 15 else "-", lw=1.2, ms=3)
        ax.set_ylabel(f"{key}\n({result.units[key]})", fontsize=7)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel("time (ms; load level 0-1 for a quasi-static mechanics run)")
    fig.suptitle(f"{name} ({result.kind})", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _vtu(path: Path, result: SiteResult) -> None:
    main = PLOTTED[result.kind][0]
    k = int(np.nanargmax(np.abs(result.columns[main]))) if np.isfinite(result.columns[main]).any() else 0
    pts = result.points
    kk = min(k, len(pts) - 1)
    data = {name: values[min(k, len(values) - 1)] for name, values in result.point_fields.items()}
    if "displacement_mm" not in data and len(pts) > 1:
        data["displacement_mm"] = pts[kk] - pts[0]
    write_vtu(path, pts[0], result.cells, data, {"time_ms": float(result.columns["time_ms"][k])})


def write(folder: Path, results: dict[str, SiteResult]) -> list[Path]:
    out = folder / "devices"
    out.mkdir(exist_ok=True)
    written = []
    summary = {}
    for name, result in results.items():
        csv = out / f"{name}.csv"
        table = np.column_stack(list(result.columns.values()))
        np.savetxt(csv, table, delimiter=",", header=",".join(result.columns), comments="", fmt="%.9g")
        png = out / f"{name}.png"
        _plot(png, name, result)
        written += [csv, png]
        if result.points is not None:
            written.append(out / f"{name}.vtu")
            _vtu(written[-1], result)
        summary[name] = site_summary(result)
    write_json_atomic(out / "summary.json", summary)
    return written + [out / "summary.json"]


def report(folder: Path, devices, log: logging.Logger | None = None) -> list[Path]:
    """Analyse and write every site; returns the files written."""
    folder = Path(folder).resolve()
    results = analyse(folder, devices)
    return write(folder, results)


def report_after_run(out: Path, cfg, log: logging.Logger) -> None:
    """At the end of ``heartsim run``: the config's device sites on the finished run (nothing without sites)."""
    if cfg.devices.sites:
        written = report(out, cfg.devices, log)
        log.info("device sites: %s in %s", ", ".join(s.name for s in cfg.devices.sites), written[-1].parent)
