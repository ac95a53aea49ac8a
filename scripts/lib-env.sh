# shellcheck shell=bash
# Shared by scripts/setup-env, scripts/in-env, scripts/heartsim and scripts/test.
# Decides where heartsim runs (a native DOLFINx 0.9 Python, or a Debian 13 root filesystem
# cached under ${HEARTSIM_ENV_DIR:-~/.cache/heartsim}) and knows how to enter it.
# Source it; it defines variables and functions only.

HEARTSIM_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
HEARTSIM_PKG_LIST=$HEARTSIM_REPO/env/debian-packages.txt
HEARTSIM_REQ_LIST=$HEARTSIM_REPO/env/requirements.txt
HEARTSIM_ENV_ROOT=${HEARTSIM_ENV_DIR:-${HOME:-/root}/.cache/heartsim}
HEARTSIM_SUITE=${HEARTSIM_DEBIAN_SUITE:-trixie}
HEARTSIM_MIRROR=${HEARTSIM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Inside the rootfs: where the venv lives.
HEARTSIM_VENV=/opt/heartsim/venv
# Bump when the way the rootfs is built changes, so old caches are not reused.
HEARTSIM_RECIPE=3

hs_say() { printf 'heartsim-env: %s\n' "$*" >&2; }
hs_die() { printf 'heartsim-env: error: %s\n' "$*" >&2; exit 1; }

# Package names from the list file (comments and blank lines dropped).
hs_packages() { sed -e 's/#.*//' -e 's/[[:space:]]//g' "$HEARTSIM_PKG_LIST" | grep -v '^$'; }

# Key of the environment: hash of both lists plus the recipe version.
hs_env_key() {
    { cat "$HEARTSIM_PKG_LIST" "$HEARTSIM_REQ_LIST"; echo "recipe=$HEARTSIM_RECIPE suite=$HEARTSIM_SUITE"; } \
        | sha256sum | cut -c1-16
}
HEARTSIM_ENV_PATH=$HEARTSIM_ENV_ROOT/env-$(hs_env_key)
HEARTSIM_ROOTFS=$HEARTSIM_ENV_PATH/rootfs

# Native mode: a python3 on PATH with DOLFINx 0.9.x and every requirement importable.
# HEARTSIM_ENV=native|rootfs forces the choice.
hs_native_python() {
    [ "${HEARTSIM_ENV:-auto}" = rootfs ] && return 1
    local py
    py=$(command -v python3) || return 1
    "$py" - "$HEARTSIM_REQ_LIST" <<'PY' >/dev/null 2>&1 || return 1
import sys, re, importlib.metadata as md
import dolfinx, pydantic, pint, yaml, mpi4py, petsc4py  # noqa: F401
assert dolfinx.__version__.startswith("0.9."), dolfinx.__version__
assert pydantic.VERSION.startswith("2."), pydantic.VERSION
for line in open(sys.argv[1]):
    name = re.split(r"[<>=!~;\[ ]", line.split("#")[0].strip())[0]
    if name:
        md.version(name)
PY
    echo "$py"
}

# Mount the pseudo file systems and the host paths we need, then chroot. Runs "$@" inside.
# Usage: hs_chroot ROOTFS WORKDIR CMD ARGS...
hs_chroot() {
    local rootfs=$1 workdir=$2; shift 2
    local binds=() p
    binds+=("$HEARTSIM_REPO")
    [ -d "$HEARTSIM_REPO/../shared" ] && binds+=("$(cd "$HEARTSIM_REPO/../shared" && pwd -P)")
    [ -d "$workdir" ] && binds+=("$workdir")
    local IFS_SAVE=$IFS; IFS=:
    for p in ${HEARTSIM_BIND:-}; do [ -n "$p" ] && binds+=("$p"); done
    IFS=$IFS_SAVE
    # Absolute paths among the arguments (also after '='): bind their nearest existing folder.
    local a q
    for a in "$@"; do
        for q in "$a" "${a#*=}"; do
            case $q in /*) ;; *) continue ;; esac
            q=${q%/}
            while [ -n "$q" ] && [ ! -d "$q" ]; do q=${q%/*}; done
            # never system folders: they belong to the rootfs
            case $q in ""|/|/bin|/bin/*|/sbin|/sbin/*|/lib*|/usr|/usr/*|/etc|/etc/*|/opt|/opt/*|/var|/var/*|\
                /boot|/boot/*|/run|/run/*|/dev|/dev/*|/proc|/proc/*|/sys|/sys/*) continue ;; esac
            binds+=("$q")
        done
    done
    local unshare_opts=(--mount --pid --fork --kill-child --propagation private)
    [ "$(id -u)" = 0 ] || unshare_opts=(--user --map-root-user "${unshare_opts[@]}")
    # The script run by the new namespace: mounts, then chroot with a clean PATH.
    local setup='
set -e
R=$1; W=$2; NB=$3; shift 3
mount --rbind /dev "$R/dev"
mount -t proc proc "$R/proc"
mount --rbind /sys "$R/sys"
mount -t tmpfs tmpfs "$R/tmp"
set -o pipefail
printf "%s\n" "${@:1:$NB}" | awk "{print length(\$0) \"\t\" \$0}" | sort -n -s | cut -f2- | uniq |
  while IFS= read -r b; do
    case $b in ""|/) continue ;; esac   # never the host root over the rootfs
    mkdir -p "$R$b" && mount --rbind "$b" "$R$b" || exit 1
  done
shift "$NB"
exec chroot "$R" /usr/bin/env -u PYTHONHOME -u PYTHONSTARTUP -u VIRTUAL_ENV -u PYENV_VERSION -u LD_LIBRARY_PATH -u LD_PRELOAD -u PYTHONUSERBASE \
  PATH='"$HEARTSIM_VENV"'/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  HOME=/root /usr/bin/python3 -I '"$HEARTSIM_REPO"'/scripts/ns-init.py "$W" "$@"
'
    [ "${HS_EXEC:-0}" = 1 ] && exec unshare "${unshare_opts[@]}" /bin/bash -c "$setup" heartsim-chroot \
        "$rootfs" "$workdir" "${#binds[@]}" "${binds[@]}" "$@"
    unshare "${unshare_opts[@]}" /bin/bash -c "$setup" heartsim-chroot \
        "$rootfs" "$workdir" "${#binds[@]}" "${binds[@]}" "$@"
}

# Run hs_chroot so that SIGUSR1/SIGTERM/SIGINT reach the command inside: unshare ignores USR1 and
# TERM (else it would die and take the namespace with it), and this shell forwards each of the three
# signals to the namespace's first process. Returns the command's exit status.
hs_chroot_forwarding() {
    local -
    set +e  # wait's non-zero statuses are data here
    ( trap '' USR1 TERM; HS_EXEC=1 hs_chroot "$@" ) 0<&0 &
    local pid=$! status
    _hs_forward() {
        local kids
        kids=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null)
        [ -n "$kids" ] && kill -s "$1" $kids 2>/dev/null
        return 0
    }
    trap '_hs_forward USR1' USR1
    trap '_hs_forward TERM' TERM
    trap '_hs_forward INT' INT
    # wait returns early (128 + N) when a trapped signal arrives: wait again while the child lives;
    # the last wait returns the child's own status (bash keeps it for a reaped child)
    while kill -0 "$pid" 2>/dev/null; do wait "$pid"; done
    wait "$pid"; status=$?
    return "$status"
}

# Variables every heartsim process gets (native or rootfs).
hs_export_runtime_vars() {
    # shared memory only on one node; on several (Slurm), let Open MPI choose its network transport
    [ "${SLURM_NNODES:-1}" -le 1 ] && export OMPI_MCA_btl=${OMPI_MCA_btl:-self,sm}
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    # shared-memory segments under /tmp (private to each run in the rootfs), not the host's /dev/shm,
    # where concurrent runs from several rootfs instances were seen to collide and crash at start-up
    export OMPI_MCA_btl_sm_backing_directory=${OMPI_MCA_btl_sm_backing_directory:-/tmp}
    export SCOTCH_PTHREAD_NUMBER=${SCOTCH_PTHREAD_NUMBER:-1}
    export ADIOS2_ALWAYS_USE_MPI=1
    export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
    export PYTHONPATH=$HEARTSIM_REPO${PYTHONPATH:+:$PYTHONPATH}
    export HEARTSIM_REPO
}
