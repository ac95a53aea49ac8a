"""land_2017: generated from heartsim/kernels/ionic/models/land_2017.model (sha256 8d3bab03b0a214ab).

Do not edit: run ``python -m heartsim.kernels.ionic.codegen`` after changing the model file.
Land S, Park-Holohan SJ, Smith NP, dos Remedios CG, Kentish JC, Niederer SA (2017) J Mol Cell Cardiol 104:83
"""
# fmt: off
# flake8: noqa

NAME = 'land_2017'
CITE = 'Land S, Park-Holohan SJ, Smith NP, dos Remedios CG, Kentish JC, Niederer SA (2017) J Mol Cell Cardiol 104:83'
SOURCE_SHA256 = '8d3bab03b0a214ab5c51a696dc1394faa287a5657b75ac8ebd5b0a4ccbe4180a'
STATES = ('CaTRPN', 'B', 'S', 'W', 'zeta_s', 'zeta_w', 'cai', 'lmbda', 'dlmbda_dt')
STATE_UNITS = {'CaTRPN': '-', 'B': '-', 'S': '-', 'W': '-', 'zeta_s': '-', 'zeta_w': '-', 'cai': 'uM', 'lmbda': '-', 'dlmbda_dt': '1/ms'}
GATES = ('CaTRPN', 'B', 'S', 'W', 'zeta_s', 'zeta_w')
INITIAL = (0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0)
PARAMETERS = {
    'Tref': (120.0, 'kPa', 'reference active tension'),
    'ca50': (0.805, 'uM', 'calcium sensitivity (troponin half-activation) at lambda = 1'),
    'nTm': (5.0, '-', 'tropomyosin cooperativity (Hill coefficient)'),
    'ku': (1.0, '1/ms', 'tropomyosin unblocking rate'),
    'TRPN50': (0.35, '-', 'CaTRPN at half-unblocked tropomyosin'),
    'kTRPN': (0.1, '1/ms', 'troponin calcium unbinding rate'),
    'nTRPN': (2.0, '-', 'troponin calcium-binding Hill coefficient'),
    'kuw': (0.182, '1/ms', 'unbound-to-weak cross-bridge rate'),
    'kws': (0.012, '1/ms', 'weak-to-strong cross-bridge rate'),
    'rw': (0.5, '-', 'steady-state weak fraction of bound cross-bridges'),
    'rs': (0.25, '-', 'steady-state strong fraction of cross-bridges'),
    'gamma_s': (0.0085, '-', 'strong cross-bridge strain-dependent detachment'),
    'gamma_w': (0.615, '-', 'weak cross-bridge strain-dependent detachment'),
    'phi': (2.23, '-', 'scaling of the distortion decay rates'),
    'Aeff': (25.0, '-', 'effective distortion per unit stretch'),
    'beta0': (2.3, '-', 'length dependence of h(lambda) (filament overlap)'),
    'beta1': (-2.4, 'uM', 'length dependence of ca50'),
}
SCALABLE = ()
VARIANTS = {'land_2017': {'ku': 1.0, 'nTm': 5.0}, 'tor_ord_land': {'ku': 0.04, 'nTm': 2.4}}
DEFAULT_VARIANT = 'land_2017'
CALCIUM = ''


def evaluate(y, p, xp, stim=0.0, want=0):
    """Rates of every state (list, in STATES order) and, with want=1 (gates) or 2 (all), the
    diagonal of the Jacobian (dict state -> d rate / d state)."""
    CaTRPN = y[0]
    B = y[1]
    S = y[2]
    W = y[3]
    zeta_s = y[4]
    zeta_w = y[5]
    cai = y[6]
    lmbda = y[7]
    dlmbda_dt = y[8]
    Tref = p['Tref']
    ca50 = p['ca50']
    nTm = p['nTm']
    ku = p['ku']
    TRPN50 = p['TRPN50']
    kTRPN = p['kTRPN']
    nTRPN = p['nTRPN']
    kuw = p['kuw']
    kws = p['kws']
    rw = p['rw']
    rs = p['rs']
    gamma_s = p['gamma_s']
    gamma_w = p['gamma_w']
    phi = p['phi']
    Aeff = p['Aeff']
    beta0 = p['beta0']
    beta1 = p['beta1']
    kwu = ((-kws) + (kuw * ((-1.0) + (1.0 / rw))))
    ksu = (kws * rw * ((-1.0) + (1.0 / rs)))
    kb = (ku * xp.power(TRPN50, nTm) / ((1.0 + (-rs) + (-rw * (1.0 + (-rs))))))
    A_s = (Aeff * rs / ((rs + (rw * (1.0 + (-rs))))))
    A_w = A_s
    c_s = (kws * phi * rw * (1.0 + (-rs)) / (rs))
    c_w = (kuw * phi * (1.0 + (-rw)) / (rw))
    lambda_c = xp.where((lmbda < 1.2), lmbda, 1.2)
    cat50 = (ca50 + (beta1 * ((-1.0) + lambda_c)))
    U = (1.0 + (-B) + (-S) + (-W))
    gamma_su = (gamma_s * xp.where((zeta_s > 0.0), zeta_s, xp.where((zeta_s < (-1.0)), ((-1.0) + (-zeta_s)), 0.0)))
    gamma_wu = (gamma_w * xp.abs(zeta_w))
    n_half = (0.5 * nTm)
    blocking_raw = xp.power(CaTRPN, (-n_half))
    blocking = xp.where((blocking_raw < 100.0), blocking_raw, 100.0)
    rate_CaTRPN = (kTRPN * ((-CaTRPN) + (xp.power((cai / (cat50)), nTRPN) * (1.0 + (-CaTRPN)))))
    rate_B = ((U * blocking * kb) + (-B * ku * xp.power(CaTRPN, n_half)))
    rate_S = ((W * kws) + (-S * gamma_su) + (-S * ksu))
    rate_W = ((U * kuw) + (-W * gamma_wu) + (-W * kws) + (-W * kwu))
    rate_zeta_s = ((A_s * dlmbda_dt) + (-c_s * zeta_s))
    rate_zeta_w = ((A_w * dlmbda_dt) + (-c_w * zeta_w))
    rate_cai = 0.0
    rate_lmbda = 0.0
    rate_dlmbda_dt = 0.0
    rates_ = [rate_CaTRPN, rate_B, rate_S, rate_W, rate_zeta_s, rate_zeta_w, rate_cai, rate_lmbda, rate_dlmbda_dt]
    if want == 0:
        return rates_, {}
    jac_ = {}
    jac_['CaTRPN'] = (kTRPN * ((-1.0) + (-xp.power((cai / (cat50)), nTRPN))))
    djac_B__U = (-1.0)
    jac_['B'] = ((-ku * xp.power(CaTRPN, n_half)) + (blocking * djac_B__U * kb))
    jac_['S'] = ((-gamma_su) + (-ksu))
    djac_W__U = (-1.0)
    jac_['W'] = ((-gamma_wu) + (-kws) + (-kwu) + (djac_W__U * kuw))
    jac_['zeta_s'] = (-c_s)
    jac_['zeta_w'] = (-c_w)
    if want == 1:
        return rates_, jac_
    jac_['cai'] = 0.0
    jac_['lmbda'] = 0.0
    jac_['dlmbda_dt'] = 0.0
    return rates_, jac_


CUDA_SOURCE = r"""
// One source for the GPU (NVRTC through CuPy: one thread per node) and the host (a C
// compiler: a loop over the nodes); only the head of the function differs. Flags:
//   -DHEARTSIM_FP32  single precision: states, parameters, literals L_(x) and math M_(f) in float
//   -DMETHOD=m       integrator fixed at compile time: 0 forward Euler, 1 Rush-Larsen, 2 generalised
//                    Rush-Larsen (without it: the `method` argument, at run time)
//   -DSUBSTEPS=n     ODE sub-steps per call fixed at compile time (without it: `substeps`)
#ifdef HEARTSIM_FP32
typedef float real;
#define L_(x) x##f
#define M_(fn) fn##f
#else
typedef double real;
#define L_(x) x
#define M_(fn) fn
#endif
#ifdef METHOD
#define METHOD_ METHOD
#else
#define METHOD_ method
#endif
#ifdef SUBSTEPS
#define SUBSTEPS_ SUBSTEPS
#else
#define SUBSTEPS_ substeps
#endif
#ifdef __CUDACC__
#define KERNEL_BEGIN extern "C" __global__ void land_2017_step(real* __restrict__ y, const real* __restrict__ ptab, const int* __restrict__ region, const double dt, const double stim_rate, const real* __restrict__ stim_mask, const int method, const int substeps, const long long n_) { \
  const long long i_ = (long long)blockIdx.x * blockDim.x + threadIdx.x; if (i_ >= n_) return;
#define KERNEL_END }
#define P_(k) __ldg(pp_ + (k))
#else
#include <math.h>
#define __device__
#define __forceinline__ inline
#define __restrict__ restrict
#define KERNEL_BEGIN void land_2017_step(real* __restrict__ y, const real* __restrict__ ptab, const int* __restrict__ region, const double dt, const double stim_rate, const real* __restrict__ stim_mask, const int method, const int substeps, const long long n_) { \
  for (long long i_ = 0; i_ < n_; ++i_) {
#define KERNEL_END } }
#define P_(k) (pp_[k])
#endif
__device__ static __forceinline__ real sq_(real x) { return x * x; }
__device__ static __forceinline__ real cube_(real x) { return x * x * x; }
__device__ static __forceinline__ real quart_(real x) { real s = x * x; return s * s; }
// states: CaTRPN, B, S, W, zeta_s, zeta_w, cai, lmbda, dlmbda_dt
// parameters (P_(k)): 0 Tref, 1 ca50, 2 nTm, 3 ku, 4 TRPN50, 5 kTRPN, 6 nTRPN, 7 kuw, 8 kws, 9 rw, 10 rs, 11 gamma_s, 12 gamma_w, 13 phi, 14 Aeff, 15 beta0, 16 beta1
KERNEL_BEGIN
  const real* __restrict__ pp_ = ptab + (region ? region[i_] : 0) * 17;
  real CaTRPN = y[0 * n_ + i_];
  real B = y[1 * n_ + i_];
  real S = y[2 * n_ + i_];
  real W = y[3 * n_ + i_];
  real zeta_s = y[4 * n_ + i_];
  real zeta_w = y[5 * n_ + i_];
  real cai = y[6 * n_ + i_];
  real lmbda = y[7 * n_ + i_];
  real dlmbda_dt = y[8 * n_ + i_];
  const real stim = stim_mask ? (real)stim_rate * stim_mask[i_] : (real)stim_rate;
  const real h_ = (real)dt / (real)SUBSTEPS_;
  for (int k_ = 0; k_ < SUBSTEPS_; ++k_) {
    const real kwu = ((-P_(8)) + (P_(7) * ((-L_(1.0)) + (L_(1.0) / P_(9)))));
    const real ksu = (P_(8) * P_(9) * ((-L_(1.0)) + (L_(1.0) / P_(10))));
    const real kb = (P_(3) * M_(pow)(P_(4), P_(2)) / ((L_(1.0) + (-P_(10)) + (-P_(9) * (L_(1.0) + (-P_(10)))))));
    const real A_s = (P_(14) * P_(10) / ((P_(10) + (P_(9) * (L_(1.0) + (-P_(10)))))));
    const real A_w = A_s;
    const real c_s = (P_(8) * P_(13) * P_(9) * (L_(1.0) + (-P_(10))) / (P_(10)));
    const real c_w = (P_(7) * P_(13) * (L_(1.0) + (-P_(9))) / (P_(9)));
    const real lambda_c = ((lmbda < L_(1.2)) ? lmbda : L_(1.2));
    const real cat50 = (P_(1) + (P_(16) * ((-L_(1.0)) + lambda_c)));
    const real U = (L_(1.0) + (-B) + (-S) + (-W));
    const real gamma_su = (P_(11) * ((zeta_s > L_(0.0)) ? zeta_s : ((zeta_s < (-L_(1.0))) ? ((-L_(1.0)) + (-zeta_s)) : L_(0.0))));
    const real gamma_wu = (P_(12) * M_(fabs)(zeta_w));
    const real n_half = (L_(0.5) * P_(2));
    const real blocking_raw = M_(pow)(CaTRPN, (-n_half));
    const real blocking = ((blocking_raw < L_(100.0)) ? blocking_raw : L_(100.0));
    const real rate_CaTRPN = (P_(5) * ((-CaTRPN) + (M_(pow)((cai / (cat50)), P_(6)) * (L_(1.0) + (-CaTRPN)))));
    const real rate_B = ((U * blocking * kb) + (-B * P_(3) * M_(pow)(CaTRPN, n_half)));
    const real rate_S = ((W * P_(8)) + (-S * gamma_su) + (-S * ksu));
    const real rate_W = ((U * P_(7)) + (-W * gamma_wu) + (-W * P_(8)) + (-W * kwu));
    const real rate_zeta_s = ((A_s * dlmbda_dt) + (-c_s * zeta_s));
    const real rate_zeta_w = ((A_w * dlmbda_dt) + (-c_w * zeta_w));
    const real rate_cai = L_(0.0);
    const real rate_lmbda = L_(0.0);
    const real rate_dlmbda_dt = L_(0.0);
    real new_CaTRPN;
    real new_B;
    real new_S;
    real new_W;
    real new_zeta_s;
    real new_zeta_w;
    real new_cai;
    real new_lmbda;
    real new_dlmbda_dt;
    if (METHOD_ == 0) {
      new_CaTRPN = CaTRPN + h_ * rate_CaTRPN;
      new_B = B + h_ * rate_B;
      new_S = S + h_ * rate_S;
      new_W = W + h_ * rate_W;
      new_zeta_s = zeta_s + h_ * rate_zeta_s;
      new_zeta_w = zeta_w + h_ * rate_zeta_w;
      new_cai = cai + h_ * rate_cai;
      new_lmbda = lmbda + h_ * rate_lmbda;
      new_dlmbda_dt = dlmbda_dt + h_ * rate_dlmbda_dt;
    } else {
      const real jac_CaTRPN = (P_(5) * ((-L_(1.0)) + (-M_(pow)((cai / (cat50)), P_(6)))));
      new_CaTRPN = CaTRPN + rate_CaTRPN * M_(expm1)(jac_CaTRPN * h_) / jac_CaTRPN;
      const real djac_B__U = (-L_(1.0));
      const real jac_B = ((-P_(3) * M_(pow)(CaTRPN, n_half)) + (blocking * djac_B__U * kb));
      new_B = B + rate_B * M_(expm1)(jac_B * h_) / jac_B;
      const real jac_S = ((-gamma_su) + (-ksu));
      new_S = S + rate_S * M_(expm1)(jac_S * h_) / jac_S;
      const real djac_W__U = (-L_(1.0));
      const real jac_W = ((-gamma_wu) + (-P_(8)) + (-kwu) + (djac_W__U * P_(7)));
      new_W = W + rate_W * M_(expm1)(jac_W * h_) / jac_W;
      const real jac_zeta_s = (-c_s);
      new_zeta_s = zeta_s + rate_zeta_s * M_(expm1)(jac_zeta_s * h_) / jac_zeta_s;
      const real jac_zeta_w = (-c_w);
      new_zeta_w = zeta_w + rate_zeta_w * M_(expm1)(jac_zeta_w * h_) / jac_zeta_w;
      if (METHOD_ == 2) {
        const real jac_cai = L_(0.0);
        new_cai = M_(fabs)(jac_cai) < L_(1e-12) ? cai + h_ * rate_cai : cai + rate_cai * M_(expm1)(jac_cai * h_) / jac_cai;
        const real jac_lmbda = L_(0.0);
        new_lmbda = M_(fabs)(jac_lmbda) < L_(1e-12) ? lmbda + h_ * rate_lmbda : lmbda + rate_lmbda * M_(expm1)(jac_lmbda * h_) / jac_lmbda;
        const real jac_dlmbda_dt = L_(0.0);
        new_dlmbda_dt = M_(fabs)(jac_dlmbda_dt) < L_(1e-12) ? dlmbda_dt + h_ * rate_dlmbda_dt : dlmbda_dt + rate_dlmbda_dt * M_(expm1)(jac_dlmbda_dt * h_) / jac_dlmbda_dt;
      } else {
        new_cai = cai + h_ * rate_cai;
        new_lmbda = lmbda + h_ * rate_lmbda;
        new_dlmbda_dt = dlmbda_dt + h_ * rate_dlmbda_dt;
      }
    }
    CaTRPN = new_CaTRPN;
    B = new_B;
    S = new_S;
    W = new_W;
    zeta_s = new_zeta_s;
    zeta_w = new_zeta_w;
    cai = new_cai;
    lmbda = new_lmbda;
    dlmbda_dt = new_dlmbda_dt;
  }
  y[0 * n_ + i_] = CaTRPN;
  y[1 * n_ + i_] = B;
  y[2 * n_ + i_] = S;
  y[3 * n_ + i_] = W;
  y[4 * n_ + i_] = zeta_s;
  y[5 * n_ + i_] = zeta_w;
  y[6 * n_ + i_] = cai;
  y[7 * n_ + i_] = lmbda;
  y[8 * n_ + i_] = dlmbda_dt;
KERNEL_END
"""
