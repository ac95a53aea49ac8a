"""tentusscher_panfilov_2006: generated from heartsim/kernels/ionic/models/tentusscher_panfilov_2006.model (sha256 5dd27f6528e05dc2).

Do not edit: run ``python -m heartsim.kernels.ionic.codegen`` after changing the model file.
ten Tusscher KHWJ, Panfilov AV (2006) Am J Physiol Heart Circ Physiol 291:H1088
"""
# fmt: off
# flake8: noqa

NAME = 'tentusscher_panfilov_2006'
CITE = 'ten Tusscher KHWJ, Panfilov AV (2006) Am J Physiol Heart Circ Physiol 291:H1088'
SOURCE_SHA256 = '5dd27f6528e05dc27fd0700aa091fb56c32bcd0439e9001e7d2f7174abec5527'
STATES = ('V', 'Xr1', 'Xr2', 'Xs', 'm', 'h', 'j', 'd', 'f', 'f2', 'fCass', 's', 'r', 'R_prime', 'Ca_i', 'Ca_SR', 'Ca_ss', 'Na_i', 'K_i')
STATE_UNITS = {'V': 'mV', 'Xr1': '-', 'Xr2': '-', 'Xs': '-', 'm': '-', 'h': '-', 'j': '-', 'd': '-', 'f': '-', 'f2': '-', 'fCass': '-', 's': '-', 'r': '-', 'R_prime': '-', 'Ca_i': 'mM', 'Ca_SR': 'mM', 'Ca_ss': 'mM', 'Na_i': 'mM', 'K_i': 'mM'}
GATES = ('Xr1', 'Xr2', 'Xs', 'm', 'h', 'j', 'd', 'f', 'f2', 'fCass', 's', 'r', 'R_prime')
INITIAL = (-85.23, 0.00621, 0.4712, 0.0095, 0.00172, 0.7444, 0.7045, 3.373e-05, 0.7888, 0.9755, 0.9953, 0.999998, 2.42e-08, 0.9073, 0.000126, 3.64, 0.00036, 8.604, 136.89)
PARAMETERS = {
    'R': (8314.472, 'mJ/(mol K)', 'gas constant'),
    'T': (310.0, 'K', 'temperature'),
    'F': (96485.3415, 'C/mol', 'Faraday constant'),
    'Cm': (0.185, 'uF', 'cell capacitance (concentration bookkeeping)'),
    'V_c': (0.016404, 'nL', 'cytoplasmic volume'),
    'V_sr': (0.001094, 'nL', 'sarcoplasmic reticulum volume'),
    'V_ss': (5.468e-05, 'nL', 'subspace volume'),
    'K_o': (5.4, 'mM', 'extracellular potassium'),
    'Na_o': (140.0, 'mM', 'extracellular sodium'),
    'Ca_o': (2.0, 'mM', 'extracellular calcium'),
    'celltype': (1.0, '-', '0 endocardial, 1 epicardial, 2 M cell (selects the I_to s-gate kinetics)'),
    'g_Na': (14.838, 'nS/pF', 'fast sodium conductance'),
    'g_K1': (5.405, 'nS/pF', 'inward rectifier conductance'),
    'g_to': (0.294, 'nS/pF', 'transient outward conductance (epi, M; endo 0.073)'),
    'g_Kr': (0.153, 'nS/pF', 'rapid delayed rectifier conductance'),
    'g_Ks': (0.392, 'nS/pF', 'slow delayed rectifier conductance (epi, endo; M 0.098)'),
    'p_KNa': (0.03, '-', 'Na permeability of I_Ks relative to K'),
    'g_CaL': (3.98e-05, 'cm/(ms uF)', 'L-type calcium permeability'),
    'P_NaK': (2.724, 'pA/pF', 'maximal Na/K pump current'),
    'K_mK': (1.0, 'mM', 'K_o half-saturation of I_NaK'),
    'K_mNa': (40.0, 'mM', 'Na_i half-saturation of I_NaK'),
    'k_NaCa': (1000.0, 'pA/pF', 'maximal Na/Ca exchanger current'),
    'gamma_NaCa': (0.35, '-', 'voltage dependence of I_NaCa'),
    'K_mCa': (1.38, 'mM', 'Ca_o half-saturation of I_NaCa'),
    'K_mNai': (87.5, 'mM', 'Na_o half-saturation of I_NaCa'),
    'k_sat': (0.1, '-', 'saturation of I_NaCa at negative potentials'),
    'alpha_NaCa': (2.5, '-', 'enhancement of the outward I_NaCa'),
    'g_pCa': (0.1238, 'pA/pF', 'sarcolemmal Ca pump'),
    'K_pCa': (0.0005, 'mM', 'half-saturation of I_pCa'),
    'g_pK': (0.0146, 'nS/pF', 'plateau potassium conductance'),
    'g_bNa': (0.00029, 'nS/pF', 'background sodium conductance'),
    'g_bCa': (0.000592, 'nS/pF', 'background calcium conductance'),
    'V_maxup': (0.006375, 'mM/ms', 'SERCA maximal uptake'),
    'K_up': (0.00025, 'mM', 'SERCA half-saturation'),
    'V_rel': (0.102, '1/ms', 'maximal RyR release rate'),
    'V_leak': (0.00036, '1/ms', 'SR leak rate'),
    'V_xfer': (0.0038, '1/ms', 'subspace-cytoplasm transfer rate'),
    'k1_prime': (0.15, '1/(mM^2 ms)', 'RyR activation rate'),
    'k2_prime': (0.045, '1/(mM ms)', 'RyR inactivation rate'),
    'k3': (0.06, '1/ms', 'RyR deactivation rate'),
    'k4': (0.005, '1/ms', 'RyR recovery rate'),
    'EC': (1.5, 'mM', 'Ca_SR half-activation of kcasr'),
    'max_sr': (2.5, '-', 'maximum of kcasr'),
    'min_sr': (1.0, '-', 'minimum of kcasr'),
    'Buf_c': (0.2, 'mM', 'total cytoplasmic buffer'),
    'K_bufc': (0.001, 'mM', 'cytoplasmic buffer half-saturation'),
    'Buf_sr': (10.0, 'mM', 'total SR buffer'),
    'K_bufsr': (0.3, 'mM', 'SR buffer half-saturation'),
    'Buf_ss': (0.4, 'mM', 'total subspace buffer'),
    'K_bufss': (0.00025, 'mM', 'subspace buffer half-saturation'),
}
SCALABLE = ('g_Na', 'g_K1', 'g_to', 'g_Kr', 'g_Ks', 'g_CaL', 'P_NaK', 'k_NaCa', 'g_pCa', 'g_pK', 'g_bNa', 'g_bCa', 'V_maxup', 'V_rel', 'V_leak')
VARIANTS = {'endo': {'celltype': 0.0, 'g_to': 0.073, 'g_Ks': 0.392}, 'epi': {'celltype': 1.0, 'g_to': 0.294, 'g_Ks': 0.392}, 'M': {'celltype': 2.0, 'g_to': 0.294, 'g_Ks': 0.098}}
DEFAULT_VARIANT = 'epi'
CALCIUM = 'Ca_i'


def evaluate(y, p, xp, stim=0.0, want=0):
    """Rates of every state (list, in STATES order) and, with want=1 (gates) or 2 (all), the
    diagonal of the Jacobian (dict state -> d rate / d state)."""
    V = y[0]
    Xr1 = y[1]
    Xr2 = y[2]
    Xs = y[3]
    m = y[4]
    h = y[5]
    j = y[6]
    d = y[7]
    f = y[8]
    f2 = y[9]
    fCass = y[10]
    s = y[11]
    r = y[12]
    R_prime = y[13]
    Ca_i = y[14]
    Ca_SR = y[15]
    Ca_ss = y[16]
    Na_i = y[17]
    K_i = y[18]
    R = p['R']
    T = p['T']
    F = p['F']
    Cm = p['Cm']
    V_c = p['V_c']
    V_sr = p['V_sr']
    V_ss = p['V_ss']
    K_o = p['K_o']
    Na_o = p['Na_o']
    Ca_o = p['Ca_o']
    celltype = p['celltype']
    g_Na = p['g_Na']
    g_K1 = p['g_K1']
    g_to = p['g_to']
    g_Kr = p['g_Kr']
    g_Ks = p['g_Ks']
    p_KNa = p['p_KNa']
    g_CaL = p['g_CaL']
    P_NaK = p['P_NaK']
    K_mK = p['K_mK']
    K_mNa = p['K_mNa']
    k_NaCa = p['k_NaCa']
    gamma_NaCa = p['gamma_NaCa']
    K_mCa = p['K_mCa']
    K_mNai = p['K_mNai']
    k_sat = p['k_sat']
    alpha_NaCa = p['alpha_NaCa']
    g_pCa = p['g_pCa']
    K_pCa = p['K_pCa']
    g_pK = p['g_pK']
    g_bNa = p['g_bNa']
    g_bCa = p['g_bCa']
    V_maxup = p['V_maxup']
    K_up = p['K_up']
    V_rel = p['V_rel']
    V_leak = p['V_leak']
    V_xfer = p['V_xfer']
    k1_prime = p['k1_prime']
    k2_prime = p['k2_prime']
    k3 = p['k3']
    k4 = p['k4']
    EC = p['EC']
    max_sr = p['max_sr']
    min_sr = p['min_sr']
    Buf_c = p['Buf_c']
    K_bufc = p['K_bufc']
    Buf_sr = p['Buf_sr']
    K_bufsr = p['K_bufsr']
    Buf_ss = p['Buf_ss']
    K_bufss = p['K_bufss']
    RTF = (R * T / (F))
    E_Na = (RTF * xp.log((Na_o / (Na_i))))
    E_K = (RTF * xp.log((K_o / (K_i))))
    E_Ks = (RTF * xp.log(((K_o + (Na_o * p_KNa)) / ((K_i + (Na_i * p_KNa))))))
    E_Ca = (0.5 * RTF * xp.log((Ca_o / (Ca_i))))
    I_Na = (g_Na * h * j * (m ** 3) * (V + (-E_Na)))
    m_inf = (1.0 / ((1.0 + (0.0018422115811651339 * xp.exp(((-0.1107419712070875) * V)))) ** 2))
    alpha_m = (1.0 / (1.0 + xp.exp(((-12.0) + ((-0.2) * V)))))
    beta_m = ((0.1 / ((1.0 + xp.exp((7.0 + (0.2 * V)))))) + (0.1 / ((1.0 + xp.exp(((-0.25) + (0.005 * V)))))))
    tau_m = (alpha_m * beta_m)
    h_inf = (4.321091783768971e-09 / (((6.573501185646026e-05 + xp.exp((0.13458950201884254 * V))) ** 2)))
    alpha_h = xp.where((V < (-40.0)), (4.4312679295805147e-07 * xp.exp(((-0.14705882352941177) * V))), 0.0)
    beta_h = xp.where((V < (-40.0)), ((310000.0 * xp.exp((0.3485 * V))) + (2.7 * xp.exp((0.079 * V)))), (0.77 / ((0.13 + (0.049758141083938695 * xp.exp(((-0.0900900900900901) * V)))))))
    tau_h = (1.0 / (alpha_h + beta_h))
    j_inf = h_inf
    alpha_j = xp.where((V < (-40.0)), ((37.78 + V) * (((-25428.0) * xp.exp((0.2444 * V))) + ((-6.948e-06) * xp.exp(((-0.04391) * V)))) / ((1.0 + (50262745825.95399 * xp.exp((0.311 * V)))))), 0.0)
    beta_j = xp.where((V < (-40.0)), (0.02424 * xp.exp(((-0.01052) * V)) / ((1.0 + (0.003960868339904256 * xp.exp(((-0.1378) * V)))))), (0.6 * xp.exp((0.057 * V)) / ((1.0 + (0.040762203978366204 * xp.exp(((-0.1) * V)))))))
    tau_j = (1.0 / (alpha_j + beta_j))
    I_to = (g_to * r * s * (V + (-E_K)))
    r_inf = (1.0 / (1.0 + xp.exp((3.3333333333333335 + ((-0.16666666666666666) * V)))))
    tau_r = (0.8 + (9.5 * xp.exp(((-0.0005555555555555556) * ((40.0 + V) ** 2)))))
    s_inf = xp.where((celltype == 0.0), (1.0 / (1.0 + xp.exp((5.6 + (0.2 * V))))), (1.0 / (1.0 + xp.exp((4.0 + (0.2 * V))))))
    tau_s = xp.where((celltype == 0.0), (8.0 + (1000.0 * xp.exp(((-0.001) * ((67.0 + V) ** 2))))), (3.0 + (5.0 / ((1.0 + xp.exp(((-4.0) + (0.2 * V)))))) + (85.0 * xp.exp(((-0.003125) * ((45.0 + V) ** 2))))))
    I_Kr = (0.4303314829119352 * Xr1 * Xr2 * g_Kr * xp.sqrt(K_o) * (V + (-E_K)))
    xr1_inf = (1.0 / (1.0 + xp.exp(((-3.7142857142857144) + ((-0.14285714285714285) * V)))))
    alpha_xr1 = (450.0 / ((1.0 + xp.exp(((-4.5) + ((-0.1) * V))))))
    beta_xr1 = (6.0 / ((1.0 + (13.581324522578193 * xp.exp((0.08695652173913043 * V))))))
    tau_xr1 = (alpha_xr1 * beta_xr1)
    xr2_inf = (1.0 / (1.0 + xp.exp((3.6666666666666665 + (0.041666666666666664 * V)))))
    alpha_xr2 = (3.0 / ((1.0 + xp.exp(((-3.0) + ((-0.05) * V))))))
    beta_xr2 = (1.12 / ((1.0 + xp.exp(((-3.0) + (0.05 * V))))))
    tau_xr2 = (alpha_xr2 * beta_xr2)
    I_Ks = (g_Ks * (Xs ** 2) * (V + (-E_Ks)))
    xs_inf = (1.0 / (1.0 + xp.exp(((-0.35714285714285715) + ((-0.07142857142857142) * V)))))
    alpha_xs = (1400.0 / (xp.sqrt((1.0 + xp.exp((0.8333333333333334 + ((-0.16666666666666666) * V)))))))
    beta_xs = (1.0 / (1.0 + xp.exp(((-2.3333333333333335) + (0.06666666666666667 * V)))))
    tau_xs = (80.0 + (alpha_xs * beta_xs))
    alpha_K1 = (0.1 / ((1.0 + (6.14421235332821e-06 * xp.exp(((0.06 * V) + ((-0.06) * E_K)))))))
    beta_K1 = (((0.36787944117144233 * xp.exp(((0.1 * V) + ((-0.1) * E_K)))) + (3.0606040200802673 * xp.exp(((0.0002 * V) + ((-0.0002) * E_K))))) / ((1.0 + xp.exp(((0.5 * E_K) + ((-0.5) * V))))))
    xK1_inf = (alpha_K1 / ((alpha_K1 + beta_K1)))
    I_K1 = (0.4303314829119352 * g_K1 * xK1_inf * xp.sqrt(K_o) * (V + (-E_K)))
    VF = (F * ((-15.0) + V) / (R * T))
    ghk2 = xp.where((xp.abs(VF) < 1e-06), (1.0 + (-VF)), (2.0 * VF / (((-1.0) + xp.exp((2.0 * VF))))))
    I_CaL = (2.0 * F * d * f * f2 * fCass * g_CaL * ghk2 * ((-Ca_o) + (0.25 * Ca_ss * xp.exp((2.0 * VF)))))
    d_inf = (1.0 / (1.0 + (0.34415378686541237 * xp.exp(((-0.13333333333333333) * V)))))
    alpha_d = (0.25 + (1.4 / ((1.0 + xp.exp(((-2.6923076923076925) + ((-0.07692307692307693) * V)))))))
    beta_d = (1.4 / ((1.0 + xp.exp((1.0 + (0.2 * V))))))
    gamma_d = (1.0 / (1.0 + xp.exp((2.5 + ((-0.05) * V)))))
    tau_d = (gamma_d + (alpha_d * beta_d))
    f_inf = (1.0 / (1.0 + xp.exp((2.857142857142857 + (0.14285714285714285 * V)))))
    tau_f = (20.0 + (180.0 / ((1.0 + xp.exp((3.0 + (0.1 * V)))))) + (200.0 / ((1.0 + xp.exp((1.3 + ((-0.1) * V)))))) + (1102.5 * xp.exp(((-0.0044444444444444444) * ((27.0 + V) ** 2)))))
    f2_inf = (0.33 + (0.67 / ((1.0 + xp.exp((5.0 + (0.14285714285714285 * V)))))))
    tau_f2 = ((31.0 / ((1.0 + xp.exp((2.5 + ((-0.1) * V)))))) + (80.0 / ((1.0 + xp.exp((3.0 + (0.1 * V)))))) + (562.0 * xp.exp(((-0.004166666666666667) * ((27.0 + V) ** 2)))))
    fCass_inf = (0.4 + (0.6 / ((1.0 + (400.0 * (Ca_ss ** 2))))))
    tau_fCass = (2.0 + (80.0 / ((1.0 + (400.0 * (Ca_ss ** 2))))))
    I_NaK = (K_o * Na_i * P_NaK / ((K_mK + K_o) * (K_mNa + Na_i) * (1.0 + (0.0353 * xp.exp((-V / (RTF)))) + (0.1245 * xp.exp(((-0.1) * V / (RTF)))))))
    I_NaCa = (k_NaCa * ((Ca_o * (Na_i ** 3) * xp.exp((V * gamma_NaCa / (RTF)))) + (-Ca_i * alpha_NaCa * (Na_o ** 3) * xp.exp((V * ((-1.0) + gamma_NaCa) / (RTF))))) / ((1.0 + (k_sat * xp.exp((V * ((-1.0) + gamma_NaCa) / (RTF))))) * (Ca_o + K_mCa) * ((K_mNai ** 3) + (Na_o ** 3))))
    I_pCa = (Ca_i * g_pCa / ((Ca_i + K_pCa)))
    I_pK = (g_pK * (V + (-E_K)) / ((1.0 + (65.40521574193832 * xp.exp(((-0.16722408026755853) * V))))))
    I_bNa = (g_bNa * (V + (-E_Na)))
    I_bCa = (g_bCa * (V + (-E_Ca)))
    I_ion = (I_CaL + I_K1 + I_Kr + I_Ks + I_Na + I_NaCa + I_NaK + I_bCa + I_bNa + I_pCa + I_pK + I_to)
    kcasr = (max_sr + (-(max_sr + (-min_sr)) / ((1.0 + ((EC ** 2) / ((Ca_SR ** 2)))))))
    k1 = (k1_prime / (kcasr))
    k2 = (k2_prime * kcasr)
    O = (R_prime * k1 * (Ca_ss ** 2) / ((k3 + (k1 * (Ca_ss ** 2)))))
    I_rel = (O * V_rel * (Ca_SR + (-Ca_ss)))
    I_up = (V_maxup / ((1.0 + ((K_up ** 2) / ((Ca_i ** 2))))))
    I_leak = (V_leak * (Ca_SR + (-Ca_i)))
    I_xfer = (V_xfer * (Ca_ss + (-Ca_i)))
    Ca_i_buf = (1.0 / (1.0 + (Buf_c * K_bufc / (((Ca_i + K_bufc) ** 2)))))
    Ca_sr_buf = (1.0 / (1.0 + (Buf_sr * K_bufsr / (((Ca_SR + K_bufsr) ** 2)))))
    Ca_ss_buf = (1.0 / (1.0 + (Buf_ss * K_bufss / (((Ca_ss + K_bufss) ** 2)))))
    rate_V = (stim + (-I_ion))
    rate_Xr1 = ((xr1_inf + (-Xr1)) / (tau_xr1))
    rate_Xr2 = ((xr2_inf + (-Xr2)) / (tau_xr2))
    rate_Xs = ((xs_inf + (-Xs)) / (tau_xs))
    rate_m = ((m_inf + (-m)) / (tau_m))
    rate_h = ((h_inf + (-h)) / (tau_h))
    rate_j = ((j_inf + (-j)) / (tau_j))
    rate_d = ((d_inf + (-d)) / (tau_d))
    rate_f = ((f_inf + (-f)) / (tau_f))
    rate_f2 = ((f2_inf + (-f2)) / (tau_f2))
    rate_fCass = ((fCass_inf + (-fCass)) / (tau_fCass))
    rate_s = ((s_inf + (-s)) / (tau_s))
    rate_r = ((r_inf + (-r)) / (tau_r))
    rate_R_prime = ((k4 * (1.0 + (-R_prime))) + (-Ca_ss * R_prime * k2))
    rate_Ca_i = (Ca_i_buf * (I_xfer + (V_sr * (I_leak + (-I_up)) / (V_c)) + ((-0.5) * Cm * (I_bCa + I_pCa + ((-2.0) * I_NaCa)) / (F * V_c))))
    rate_Ca_SR = (Ca_sr_buf * (I_up + (-I_leak) + (-I_rel)))
    rate_Ca_ss = (Ca_ss_buf * ((I_rel * V_sr / (V_ss)) + (-I_xfer * V_c / (V_ss)) + ((-0.5) * Cm * I_CaL / (F * V_ss))))
    rate_Na_i = (Cm * ((-I_Na) + (-I_bNa) + ((-3.0) * I_NaCa) + ((-3.0) * I_NaK)) / (F * V_c))
    rate_K_i = (Cm * (stim + (-I_K1) + (-I_Kr) + (-I_Ks) + (-I_pK) + (-I_to) + (2.0 * I_NaK)) / (F * V_c))
    rates_ = [rate_V, rate_Xr1, rate_Xr2, rate_Xs, rate_m, rate_h, rate_j, rate_d, rate_f, rate_f2, rate_fCass, rate_s, rate_r, rate_R_prime, rate_Ca_i, rate_Ca_SR, rate_Ca_ss, rate_Na_i, rate_K_i]
    if want == 0:
        return rates_, {}
    jac_ = {}
    jac_['Xr1'] = (-1.0 / (tau_xr1))
    jac_['Xr2'] = (-1.0 / (tau_xr2))
    jac_['Xs'] = (-1.0 / (tau_xs))
    jac_['m'] = (-1.0 / (tau_m))
    jac_['h'] = (-1.0 / (tau_h))
    jac_['j'] = (-1.0 / (tau_j))
    jac_['d'] = (-1.0 / (tau_d))
    jac_['f'] = (-1.0 / (tau_f))
    jac_['f2'] = (-1.0 / (tau_f2))
    jac_['fCass'] = (-1.0 / (tau_fCass))
    jac_['s'] = (-1.0 / (tau_s))
    jac_['r'] = (-1.0 / (tau_r))
    jac_['R_prime'] = ((-k4) + (-Ca_ss * k2))
    if want == 1:
        return rates_, jac_
    djac_V__I_Na = (g_Na * h * j * (m ** 3))
    djac_V__I_to = (g_to * r * s)
    djac_V__I_Kr = (0.4303314829119352 * Xr1 * Xr2 * g_Kr * xp.sqrt(K_o))
    djac_V__I_Ks = (g_Ks * (Xs ** 2))
    djac_V__alpha_K1 = ((-3.686527411996926e-08) * xp.exp(((0.06 * V) + ((-0.06) * E_K))) / (((1.0 + (6.14421235332821e-06 * xp.exp(((0.06 * V) + ((-0.06) * E_K))))) ** 2)))
    djac_V__beta_K1 = ((((0.0006121208040160535 * xp.exp(((0.0002 * V) + ((-0.0002) * E_K)))) + (0.036787944117144235 * xp.exp(((0.1 * V) + ((-0.1) * E_K))))) / ((1.0 + xp.exp(((0.5 * E_K) + ((-0.5) * V)))))) + (0.5 * ((0.36787944117144233 * xp.exp(((0.1 * V) + ((-0.1) * E_K)))) + (3.0606040200802673 * xp.exp(((0.0002 * V) + ((-0.0002) * E_K))))) * xp.exp(((0.5 * E_K) + ((-0.5) * V))) / (((1.0 + xp.exp(((0.5 * E_K) + ((-0.5) * V)))) ** 2))))
    djac_V__xK1_inf = ((djac_V__alpha_K1 * ((1.0 / (alpha_K1 + beta_K1)) + (-alpha_K1 / (((alpha_K1 + beta_K1) ** 2))))) + (-alpha_K1 * djac_V__beta_K1 / (((alpha_K1 + beta_K1) ** 2))))
    djac_V__I_K1 = ((0.4303314829119352 * g_K1 * xK1_inf * xp.sqrt(K_o)) + (0.4303314829119352 * djac_V__xK1_inf * g_K1 * xp.sqrt(K_o) * (V + (-E_K))))
    djac_V__VF = (F / (R * T))
    djac_V__ghk2 = (djac_V__VF * xp.where((xp.abs(VF) < 1e-06), (-1.0), ((2.0 / (((-1.0) + xp.exp((2.0 * VF))))) + ((-4.0) * VF * xp.exp((2.0 * VF)) / ((((-1.0) + xp.exp((2.0 * VF))) ** 2))))))
    djac_V__I_CaL = ((2.0 * F * d * djac_V__ghk2 * f * f2 * fCass * g_CaL * ((-Ca_o) + (0.25 * Ca_ss * xp.exp((2.0 * VF))))) + (1.0 * Ca_ss * F * d * djac_V__VF * f * f2 * fCass * g_CaL * ghk2 * xp.exp((2.0 * VF))))
    djac_V__I_NaK = (K_o * Na_i * P_NaK * ((0.0353 * xp.exp((-V / (RTF))) / (RTF)) + (0.012450000000000001 * xp.exp(((-0.1) * V / (RTF))) / (RTF))) / ((K_mK + K_o) * (K_mNa + Na_i) * ((1.0 + (0.0353 * xp.exp((-V / (RTF)))) + (0.1245 * xp.exp(((-0.1) * V / (RTF))))) ** 2)))
    djac_V__I_NaCa = ((k_NaCa * ((Ca_o * gamma_NaCa * (Na_i ** 3) * xp.exp((V * gamma_NaCa / (RTF))) / (RTF)) + (-Ca_i * alpha_NaCa * (Na_o ** 3) * ((-1.0) + gamma_NaCa) * xp.exp((V * ((-1.0) + gamma_NaCa) / (RTF))) / (RTF))) / ((1.0 + (k_sat * xp.exp((V * ((-1.0) + gamma_NaCa) / (RTF))))) * (Ca_o + K_mCa) * ((K_mNai ** 3) + (Na_o ** 3)))) + (-k_NaCa * k_sat * ((-1.0) + gamma_NaCa) * ((Ca_o * (Na_i ** 3) * xp.exp((V * gamma_NaCa / (RTF)))) + (-Ca_i * alpha_NaCa * (Na_o ** 3) * xp.exp((V * ((-1.0) + gamma_NaCa) / (RTF))))) * xp.exp((V * ((-1.0) + gamma_NaCa) / (RTF))) / (RTF * ((1.0 + (k_sat * xp.exp((V * ((-1.0) + gamma_NaCa) / (RTF))))) ** 2) * (Ca_o + K_mCa) * ((K_mNai ** 3) + (Na_o ** 3)))))
    djac_V__I_pK = ((g_pK / ((1.0 + (65.40521574193832 * xp.exp(((-0.16722408026755853) * V)))))) + (0.0025567392198101594 * g_pK * (V + (-E_K)) * xp.exp(((-0.16722408026755853) * V)) / (((0.015289300534464752 + xp.exp(((-0.16722408026755853) * V))) ** 2))))
    djac_V__I_bNa = g_bNa
    djac_V__I_bCa = g_bCa
    djac_V__I_ion = (djac_V__I_CaL + djac_V__I_K1 + djac_V__I_Kr + djac_V__I_Ks + djac_V__I_Na + djac_V__I_NaCa + djac_V__I_NaK + djac_V__I_bCa + djac_V__I_bNa + djac_V__I_pK + djac_V__I_to)
    jac_['V'] = (-djac_V__I_ion)
    djac_Ca_i__E_Ca = ((-0.5) * RTF / (Ca_i))
    djac_Ca_i__I_NaCa = (-alpha_NaCa * k_NaCa * (Na_o ** 3) * xp.exp((V * ((-1.0) + gamma_NaCa) / (RTF))) / ((1.0 + (k_sat * xp.exp((V * ((-1.0) + gamma_NaCa) / (RTF))))) * (Ca_o + K_mCa) * ((K_mNai ** 3) + (Na_o ** 3))))
    djac_Ca_i__I_pCa = ((g_pCa / ((Ca_i + K_pCa))) + (-Ca_i * g_pCa / (((Ca_i + K_pCa) ** 2))))
    djac_Ca_i__I_bCa = (-djac_Ca_i__E_Ca * g_bCa)
    djac_Ca_i__I_up = (2.0 * V_maxup * (K_up ** 2) / ((Ca_i ** 3) * ((1.0 + ((K_up ** 2) / ((Ca_i ** 2)))) ** 2)))
    djac_Ca_i__I_leak = (-V_leak)
    djac_Ca_i__I_xfer = (-V_xfer)
    djac_Ca_i__Ca_i_buf = (2.0 * Buf_c * K_bufc / (((1.0 + (Buf_c * K_bufc / (((Ca_i + K_bufc) ** 2)))) ** 2) * ((Ca_i + K_bufc) ** 3)))
    jac_['Ca_i'] = ((Ca_i_buf * djac_Ca_i__I_xfer) + (djac_Ca_i__Ca_i_buf * (I_xfer + (V_sr * (I_leak + (-I_up)) / (V_c)) + ((-0.5) * Cm * (I_bCa + I_pCa + ((-2.0) * I_NaCa)) / (F * V_c)))) + (Ca_i_buf * V_sr * djac_Ca_i__I_leak / (V_c)) + (-Ca_i_buf * V_sr * djac_Ca_i__I_up / (V_c)) + (Ca_i_buf * Cm * djac_Ca_i__I_NaCa / (F * V_c)) + ((-0.5) * Ca_i_buf * Cm * djac_Ca_i__I_bCa / (F * V_c)) + ((-0.5) * Ca_i_buf * Cm * djac_Ca_i__I_pCa / (F * V_c)))
    djac_Ca_SR__kcasr = ((-2.0) * (EC ** 2) * (max_sr + (-min_sr)) / ((Ca_SR ** 3) * ((1.0 + ((EC ** 2) / ((Ca_SR ** 2)))) ** 2)))
    djac_Ca_SR__k1 = (-djac_Ca_SR__kcasr * k1_prime / ((kcasr ** 2)))
    djac_Ca_SR__O = (djac_Ca_SR__k1 * ((R_prime * (Ca_ss ** 2) / ((k3 + (k1 * (Ca_ss ** 2))))) + (-R_prime * k1 * (Ca_ss ** 4) / (((k3 + (k1 * (Ca_ss ** 2))) ** 2)))))
    djac_Ca_SR__I_rel = ((O * V_rel) + (V_rel * djac_Ca_SR__O * (Ca_SR + (-Ca_ss))))
    djac_Ca_SR__I_leak = V_leak
    djac_Ca_SR__Ca_sr_buf = (2.0 * Buf_sr * K_bufsr / (((1.0 + (Buf_sr * K_bufsr / (((Ca_SR + K_bufsr) ** 2)))) ** 2) * ((Ca_SR + K_bufsr) ** 3)))
    jac_['Ca_SR'] = ((djac_Ca_SR__Ca_sr_buf * (I_up + (-I_leak) + (-I_rel))) + (-Ca_sr_buf * djac_Ca_SR__I_leak) + (-Ca_sr_buf * djac_Ca_SR__I_rel))
    djac_Ca_ss__I_CaL = (0.5 * F * d * f * f2 * fCass * g_CaL * ghk2 * xp.exp((2.0 * VF)))
    djac_Ca_ss__O = (((-2.0) * R_prime * (Ca_ss ** 3) * (k1 ** 2) / (((k3 + (k1 * (Ca_ss ** 2))) ** 2))) + (2.0 * Ca_ss * R_prime * k1 / ((k3 + (k1 * (Ca_ss ** 2))))))
    djac_Ca_ss__I_rel = ((-O * V_rel) + (V_rel * djac_Ca_ss__O * (Ca_SR + (-Ca_ss))))
    djac_Ca_ss__I_xfer = V_xfer
    djac_Ca_ss__Ca_ss_buf = (2.0 * Buf_ss * K_bufss / (((1.0 + (Buf_ss * K_bufss / (((Ca_ss + K_bufss) ** 2)))) ** 2) * ((Ca_ss + K_bufss) ** 3)))
    jac_['Ca_ss'] = ((djac_Ca_ss__Ca_ss_buf * ((I_rel * V_sr / (V_ss)) + (-I_xfer * V_c / (V_ss)) + ((-0.5) * Cm * I_CaL / (F * V_ss)))) + (Ca_ss_buf * V_sr * djac_Ca_ss__I_rel / (V_ss)) + (-Ca_ss_buf * V_c * djac_Ca_ss__I_xfer / (V_ss)) + ((-0.5) * Ca_ss_buf * Cm * djac_Ca_ss__I_CaL / (F * V_ss)))
    djac_Na_i__E_Na = (-RTF / (Na_i))
    djac_Na_i__I_Na = (-djac_Na_i__E_Na * g_Na * h * j * (m ** 3))
    djac_Na_i__I_NaK = ((K_o * P_NaK / ((K_mK + K_o) * (K_mNa + Na_i) * (1.0 + (0.0353 * xp.exp((-V / (RTF)))) + (0.1245 * xp.exp(((-0.1) * V / (RTF))))))) + (-K_o * Na_i * P_NaK / ((K_mK + K_o) * ((K_mNa + Na_i) ** 2) * (1.0 + (0.0353 * xp.exp((-V / (RTF)))) + (0.1245 * xp.exp(((-0.1) * V / (RTF))))))))
    djac_Na_i__I_NaCa = (3.0 * Ca_o * k_NaCa * (Na_i ** 2) * xp.exp((V * gamma_NaCa / (RTF))) / ((1.0 + (k_sat * xp.exp((V * ((-1.0) + gamma_NaCa) / (RTF))))) * (Ca_o + K_mCa) * ((K_mNai ** 3) + (Na_o ** 3))))
    djac_Na_i__I_bNa = (-djac_Na_i__E_Na * g_bNa)
    jac_['Na_i'] = ((-Cm * djac_Na_i__I_Na / (F * V_c)) + (-Cm * djac_Na_i__I_bNa / (F * V_c)) + ((-3.0) * Cm * djac_Na_i__I_NaCa / (F * V_c)) + ((-3.0) * Cm * djac_Na_i__I_NaK / (F * V_c)))
    djac_K_i__E_K = (-RTF / (K_i))
    djac_K_i__E_Ks = (-RTF / ((K_i + (Na_i * p_KNa))))
    djac_K_i__I_to = (-djac_K_i__E_K * g_to * r * s)
    djac_K_i__I_Kr = ((-0.4303314829119352) * Xr1 * Xr2 * djac_K_i__E_K * g_Kr * xp.sqrt(K_o))
    djac_K_i__I_Ks = (-djac_K_i__E_Ks * g_Ks * (Xs ** 2))
    djac_K_i__alpha_K1 = (3.686527411996926e-08 * djac_K_i__E_K * xp.exp(((0.06 * V) + ((-0.06) * E_K))) / (((1.0 + (6.14421235332821e-06 * xp.exp(((0.06 * V) + ((-0.06) * E_K))))) ** 2)))
    djac_K_i__beta_K1 = (djac_K_i__E_K * (((((-0.0006121208040160535) * xp.exp(((0.0002 * V) + ((-0.0002) * E_K)))) + ((-0.036787944117144235) * xp.exp(((0.1 * V) + ((-0.1) * E_K))))) / ((1.0 + xp.exp(((0.5 * E_K) + ((-0.5) * V)))))) + ((-0.5) * ((0.36787944117144233 * xp.exp(((0.1 * V) + ((-0.1) * E_K)))) + (3.0606040200802673 * xp.exp(((0.0002 * V) + ((-0.0002) * E_K))))) * xp.exp(((0.5 * E_K) + ((-0.5) * V))) / (((1.0 + xp.exp(((0.5 * E_K) + ((-0.5) * V)))) ** 2)))))
    djac_K_i__xK1_inf = ((djac_K_i__alpha_K1 * ((1.0 / (alpha_K1 + beta_K1)) + (-alpha_K1 / (((alpha_K1 + beta_K1) ** 2))))) + (-alpha_K1 * djac_K_i__beta_K1 / (((alpha_K1 + beta_K1) ** 2))))
    djac_K_i__I_K1 = ((0.4303314829119352 * djac_K_i__xK1_inf * g_K1 * xp.sqrt(K_o) * (V + (-E_K))) + ((-0.4303314829119352) * djac_K_i__E_K * g_K1 * xK1_inf * xp.sqrt(K_o)))
    djac_K_i__I_pK = (-djac_K_i__E_K * g_pK / ((1.0 + (65.40521574193832 * xp.exp(((-0.16722408026755853) * V))))))
    jac_['K_i'] = ((-Cm * djac_K_i__I_K1 / (F * V_c)) + (-Cm * djac_K_i__I_Kr / (F * V_c)) + (-Cm * djac_K_i__I_Ks / (F * V_c)) + (-Cm * djac_K_i__I_pK / (F * V_c)) + (-Cm * djac_K_i__I_to / (F * V_c)))
    return rates_, jac_


CUDA_SOURCE = r"""
// One source for the GPU (NVRTC through CuPy: one thread per node) and the host (a C
// compiler: a loop over the nodes); only the head of the function differs.
#ifndef REAL
#define REAL double
#endif
typedef REAL real;
#ifdef __CUDACC__
#define KERNEL_BEGIN extern "C" __global__ void tentusscher_panfilov_2006_step(real* __restrict__ y, const double* __restrict__ ptab, const int* __restrict__ region, const double dt, const double stim_rate, const real* __restrict__ stim_mask, const int method, const int substeps, const long long n_) { \
  const long long i_ = (long long)blockIdx.x * blockDim.x + threadIdx.x; if (i_ >= n_) return;
#define KERNEL_END }
#else
#include <math.h>
#define __device__
#define __forceinline__ inline
#define __restrict__ restrict
#define KERNEL_BEGIN void tentusscher_panfilov_2006_step(real* __restrict__ y, const double* __restrict__ ptab, const int* __restrict__ region, const double dt, const double stim_rate, const real* __restrict__ stim_mask, const int method, const int substeps, const long long n_) { \
  for (long long i_ = 0; i_ < n_; ++i_) {
#define KERNEL_END } }
#endif
__device__ static __forceinline__ real sq_(real x) { return x * x; }
__device__ static __forceinline__ real cube_(real x) { return x * x * x; }
__device__ static __forceinline__ real quart_(real x) { real s = x * x; return s * s; }
// states: V, Xr1, Xr2, Xs, m, h, j, d, f, f2, fCass, s, r, R_prime, Ca_i, Ca_SR, Ca_ss, Na_i, K_i
KERNEL_BEGIN
  const double* pp_ = ptab + (region ? region[i_] : 0) * 50;
  const real R = (real)pp_[0];
  const real T = (real)pp_[1];
  const real F = (real)pp_[2];
  const real Cm = (real)pp_[3];
  const real V_c = (real)pp_[4];
  const real V_sr = (real)pp_[5];
  const real V_ss = (real)pp_[6];
  const real K_o = (real)pp_[7];
  const real Na_o = (real)pp_[8];
  const real Ca_o = (real)pp_[9];
  const real celltype = (real)pp_[10];
  const real g_Na = (real)pp_[11];
  const real g_K1 = (real)pp_[12];
  const real g_to = (real)pp_[13];
  const real g_Kr = (real)pp_[14];
  const real g_Ks = (real)pp_[15];
  const real p_KNa = (real)pp_[16];
  const real g_CaL = (real)pp_[17];
  const real P_NaK = (real)pp_[18];
  const real K_mK = (real)pp_[19];
  const real K_mNa = (real)pp_[20];
  const real k_NaCa = (real)pp_[21];
  const real gamma_NaCa = (real)pp_[22];
  const real K_mCa = (real)pp_[23];
  const real K_mNai = (real)pp_[24];
  const real k_sat = (real)pp_[25];
  const real alpha_NaCa = (real)pp_[26];
  const real g_pCa = (real)pp_[27];
  const real K_pCa = (real)pp_[28];
  const real g_pK = (real)pp_[29];
  const real g_bNa = (real)pp_[30];
  const real g_bCa = (real)pp_[31];
  const real V_maxup = (real)pp_[32];
  const real K_up = (real)pp_[33];
  const real V_rel = (real)pp_[34];
  const real V_leak = (real)pp_[35];
  const real V_xfer = (real)pp_[36];
  const real k1_prime = (real)pp_[37];
  const real k2_prime = (real)pp_[38];
  const real k3 = (real)pp_[39];
  const real k4 = (real)pp_[40];
  const real EC = (real)pp_[41];
  const real max_sr = (real)pp_[42];
  const real min_sr = (real)pp_[43];
  const real Buf_c = (real)pp_[44];
  const real K_bufc = (real)pp_[45];
  const real Buf_sr = (real)pp_[46];
  const real K_bufsr = (real)pp_[47];
  const real Buf_ss = (real)pp_[48];
  const real K_bufss = (real)pp_[49];
  real V = y[0 * n_ + i_];
  real Xr1 = y[1 * n_ + i_];
  real Xr2 = y[2 * n_ + i_];
  real Xs = y[3 * n_ + i_];
  real m = y[4 * n_ + i_];
  real h = y[5 * n_ + i_];
  real j = y[6 * n_ + i_];
  real d = y[7 * n_ + i_];
  real f = y[8 * n_ + i_];
  real f2 = y[9 * n_ + i_];
  real fCass = y[10 * n_ + i_];
  real s = y[11 * n_ + i_];
  real r = y[12 * n_ + i_];
  real R_prime = y[13 * n_ + i_];
  real Ca_i = y[14 * n_ + i_];
  real Ca_SR = y[15 * n_ + i_];
  real Ca_ss = y[16 * n_ + i_];
  real Na_i = y[17 * n_ + i_];
  real K_i = y[18 * n_ + i_];
  const real stim = stim_mask ? (real)stim_rate * stim_mask[i_] : (real)stim_rate;
  const real h_ = (real)(dt / substeps);
  for (int k_ = 0; k_ < substeps; ++k_) {
    const real RTF = (R * T / (F));
    const real E_Na = (RTF * log((Na_o / (Na_i))));
    const real E_K = (RTF * log((K_o / (K_i))));
    const real E_Ks = (RTF * log(((K_o + (Na_o * p_KNa)) / ((K_i + (Na_i * p_KNa))))));
    const real E_Ca = (0.5 * RTF * log((Ca_o / (Ca_i))));
    const real I_Na = (g_Na * h * j * cube_(m) * (V + (-E_Na)));
    const real m_inf = (1.0 / sq_((1.0 + (0.0018422115811651339 * exp(((-0.1107419712070875) * V))))));
    const real alpha_m = (1.0 / (1.0 + exp(((-12.0) + ((-0.2) * V)))));
    const real beta_m = ((0.1 / ((1.0 + exp((7.0 + (0.2 * V)))))) + (0.1 / ((1.0 + exp(((-0.25) + (0.005 * V)))))));
    const real tau_m = (alpha_m * beta_m);
    const real h_inf = (4.321091783768971e-09 / (sq_((6.573501185646026e-05 + exp((0.13458950201884254 * V))))));
    const real alpha_h = ((V < (-40.0)) ? (4.4312679295805147e-07 * exp(((-0.14705882352941177) * V))) : 0.0);
    const real beta_h = ((V < (-40.0)) ? ((310000.0 * exp((0.3485 * V))) + (2.7 * exp((0.079 * V)))) : (0.77 / ((0.13 + (0.049758141083938695 * exp(((-0.0900900900900901) * V)))))));
    const real tau_h = (1.0 / (alpha_h + beta_h));
    const real j_inf = h_inf;
    const real alpha_j = ((V < (-40.0)) ? ((37.78 + V) * (((-25428.0) * exp((0.2444 * V))) + ((-6.948e-06) * exp(((-0.04391) * V)))) / ((1.0 + (50262745825.95399 * exp((0.311 * V)))))) : 0.0);
    const real beta_j = ((V < (-40.0)) ? (0.02424 * exp(((-0.01052) * V)) / ((1.0 + (0.003960868339904256 * exp(((-0.1378) * V)))))) : (0.6 * exp((0.057 * V)) / ((1.0 + (0.040762203978366204 * exp(((-0.1) * V)))))));
    const real tau_j = (1.0 / (alpha_j + beta_j));
    const real I_to = (g_to * r * s * (V + (-E_K)));
    const real r_inf = (1.0 / (1.0 + exp((3.3333333333333335 + ((-0.16666666666666666) * V)))));
    const real tau_r = (0.8 + (9.5 * exp(((-0.0005555555555555556) * sq_((40.0 + V))))));
    const real s_inf = ((celltype == 0.0) ? (1.0 / (1.0 + exp((5.6 + (0.2 * V))))) : (1.0 / (1.0 + exp((4.0 + (0.2 * V))))));
    const real tau_s = ((celltype == 0.0) ? (8.0 + (1000.0 * exp(((-0.001) * sq_((67.0 + V)))))) : (3.0 + (5.0 / ((1.0 + exp(((-4.0) + (0.2 * V)))))) + (85.0 * exp(((-0.003125) * sq_((45.0 + V)))))));
    const real I_Kr = (0.4303314829119352 * Xr1 * Xr2 * g_Kr * sqrt(K_o) * (V + (-E_K)));
    const real xr1_inf = (1.0 / (1.0 + exp(((-3.7142857142857144) + ((-0.14285714285714285) * V)))));
    const real alpha_xr1 = (450.0 / ((1.0 + exp(((-4.5) + ((-0.1) * V))))));
    const real beta_xr1 = (6.0 / ((1.0 + (13.581324522578193 * exp((0.08695652173913043 * V))))));
    const real tau_xr1 = (alpha_xr1 * beta_xr1);
    const real xr2_inf = (1.0 / (1.0 + exp((3.6666666666666665 + (0.041666666666666664 * V)))));
    const real alpha_xr2 = (3.0 / ((1.0 + exp(((-3.0) + ((-0.05) * V))))));
    const real beta_xr2 = (1.12 / ((1.0 + exp(((-3.0) + (0.05 * V))))));
    const real tau_xr2 = (alpha_xr2 * beta_xr2);
    const real I_Ks = (g_Ks * sq_(Xs) * (V + (-E_Ks)));
    const real xs_inf = (1.0 / (1.0 + exp(((-0.35714285714285715) + ((-0.07142857142857142) * V)))));
    const real alpha_xs = (1400.0 / (sqrt((1.0 + exp((0.8333333333333334 + ((-0.16666666666666666) * V)))))));
    const real beta_xs = (1.0 / (1.0 + exp(((-2.3333333333333335) + (0.06666666666666667 * V)))));
    const real tau_xs = (80.0 + (alpha_xs * beta_xs));
    const real alpha_K1 = (0.1 / ((1.0 + (6.14421235332821e-06 * exp(((0.06 * V) + ((-0.06) * E_K)))))));
    const real beta_K1 = (((0.36787944117144233 * exp(((0.1 * V) + ((-0.1) * E_K)))) + (3.0606040200802673 * exp(((0.0002 * V) + ((-0.0002) * E_K))))) / ((1.0 + exp(((0.5 * E_K) + ((-0.5) * V))))));
    const real xK1_inf = (alpha_K1 / ((alpha_K1 + beta_K1)));
    const real I_K1 = (0.4303314829119352 * g_K1 * xK1_inf * sqrt(K_o) * (V + (-E_K)));
    const real VF = (F * ((-15.0) + V) / (R * T));
    const real ghk2 = ((fabs(VF) < 1e-06) ? (1.0 + (-VF)) : (2.0 * VF / (((-1.0) + exp((2.0 * VF))))));
    const real I_CaL = (2.0 * F * d * f * f2 * fCass * g_CaL * ghk2 * ((-Ca_o) + (0.25 * Ca_ss * exp((2.0 * VF)))));
    const real d_inf = (1.0 / (1.0 + (0.34415378686541237 * exp(((-0.13333333333333333) * V)))));
    const real alpha_d = (0.25 + (1.4 / ((1.0 + exp(((-2.6923076923076925) + ((-0.07692307692307693) * V)))))));
    const real beta_d = (1.4 / ((1.0 + exp((1.0 + (0.2 * V))))));
    const real gamma_d = (1.0 / (1.0 + exp((2.5 + ((-0.05) * V)))));
    const real tau_d = (gamma_d + (alpha_d * beta_d));
    const real f_inf = (1.0 / (1.0 + exp((2.857142857142857 + (0.14285714285714285 * V)))));
    const real tau_f = (20.0 + (180.0 / ((1.0 + exp((3.0 + (0.1 * V)))))) + (200.0 / ((1.0 + exp((1.3 + ((-0.1) * V)))))) + (1102.5 * exp(((-0.0044444444444444444) * sq_((27.0 + V))))));
    const real f2_inf = (0.33 + (0.67 / ((1.0 + exp((5.0 + (0.14285714285714285 * V)))))));
    const real tau_f2 = ((31.0 / ((1.0 + exp((2.5 + ((-0.1) * V)))))) + (80.0 / ((1.0 + exp((3.0 + (0.1 * V)))))) + (562.0 * exp(((-0.004166666666666667) * sq_((27.0 + V))))));
    const real fCass_inf = (0.4 + (0.6 / ((1.0 + (400.0 * sq_(Ca_ss))))));
    const real tau_fCass = (2.0 + (80.0 / ((1.0 + (400.0 * sq_(Ca_ss))))));
    const real I_NaK = (K_o * Na_i * P_NaK / ((K_mK + K_o) * (K_mNa + Na_i) * (1.0 + (0.0353 * exp((-V / (RTF)))) + (0.1245 * exp(((-0.1) * V / (RTF)))))));
    const real I_NaCa = (k_NaCa * ((Ca_o * cube_(Na_i) * exp((V * gamma_NaCa / (RTF)))) + (-Ca_i * alpha_NaCa * cube_(Na_o) * exp((V * ((-1.0) + gamma_NaCa) / (RTF))))) / ((1.0 + (k_sat * exp((V * ((-1.0) + gamma_NaCa) / (RTF))))) * (Ca_o + K_mCa) * (cube_(K_mNai) + cube_(Na_o))));
    const real I_pCa = (Ca_i * g_pCa / ((Ca_i + K_pCa)));
    const real I_pK = (g_pK * (V + (-E_K)) / ((1.0 + (65.40521574193832 * exp(((-0.16722408026755853) * V))))));
    const real I_bNa = (g_bNa * (V + (-E_Na)));
    const real I_bCa = (g_bCa * (V + (-E_Ca)));
    const real I_ion = (I_CaL + I_K1 + I_Kr + I_Ks + I_Na + I_NaCa + I_NaK + I_bCa + I_bNa + I_pCa + I_pK + I_to);
    const real kcasr = (max_sr + (-(max_sr + (-min_sr)) / ((1.0 + (sq_(EC) / (sq_(Ca_SR)))))));
    const real k1 = (k1_prime / (kcasr));
    const real k2 = (k2_prime * kcasr);
    const real O = (R_prime * k1 * sq_(Ca_ss) / ((k3 + (k1 * sq_(Ca_ss)))));
    const real I_rel = (O * V_rel * (Ca_SR + (-Ca_ss)));
    const real I_up = (V_maxup / ((1.0 + (sq_(K_up) / (sq_(Ca_i))))));
    const real I_leak = (V_leak * (Ca_SR + (-Ca_i)));
    const real I_xfer = (V_xfer * (Ca_ss + (-Ca_i)));
    const real Ca_i_buf = (1.0 / (1.0 + (Buf_c * K_bufc / (sq_((Ca_i + K_bufc))))));
    const real Ca_sr_buf = (1.0 / (1.0 + (Buf_sr * K_bufsr / (sq_((Ca_SR + K_bufsr))))));
    const real Ca_ss_buf = (1.0 / (1.0 + (Buf_ss * K_bufss / (sq_((Ca_ss + K_bufss))))));
    const real rate_V = (stim + (-I_ion));
    const real rate_Xr1 = ((xr1_inf + (-Xr1)) / (tau_xr1));
    const real rate_Xr2 = ((xr2_inf + (-Xr2)) / (tau_xr2));
    const real rate_Xs = ((xs_inf + (-Xs)) / (tau_xs));
    const real rate_m = ((m_inf + (-m)) / (tau_m));
    const real rate_h = ((h_inf + (-h)) / (tau_h));
    const real rate_j = ((j_inf + (-j)) / (tau_j));
    const real rate_d = ((d_inf + (-d)) / (tau_d));
    const real rate_f = ((f_inf + (-f)) / (tau_f));
    const real rate_f2 = ((f2_inf + (-f2)) / (tau_f2));
    const real rate_fCass = ((fCass_inf + (-fCass)) / (tau_fCass));
    const real rate_s = ((s_inf + (-s)) / (tau_s));
    const real rate_r = ((r_inf + (-r)) / (tau_r));
    const real rate_R_prime = ((k4 * (1.0 + (-R_prime))) + (-Ca_ss * R_prime * k2));
    const real rate_Ca_i = (Ca_i_buf * (I_xfer + (V_sr * (I_leak + (-I_up)) / (V_c)) + ((-0.5) * Cm * (I_bCa + I_pCa + ((-2.0) * I_NaCa)) / (F * V_c))));
    const real rate_Ca_SR = (Ca_sr_buf * (I_up + (-I_leak) + (-I_rel)));
    const real rate_Ca_ss = (Ca_ss_buf * ((I_rel * V_sr / (V_ss)) + (-I_xfer * V_c / (V_ss)) + ((-0.5) * Cm * I_CaL / (F * V_ss))));
    const real rate_Na_i = (Cm * ((-I_Na) + (-I_bNa) + ((-3.0) * I_NaCa) + ((-3.0) * I_NaK)) / (F * V_c));
    const real rate_K_i = (Cm * (stim + (-I_K1) + (-I_Kr) + (-I_Ks) + (-I_pK) + (-I_to) + (2.0 * I_NaK)) / (F * V_c));
    real new_V;
    real new_Xr1;
    real new_Xr2;
    real new_Xs;
    real new_m;
    real new_h;
    real new_j;
    real new_d;
    real new_f;
    real new_f2;
    real new_fCass;
    real new_s;
    real new_r;
    real new_R_prime;
    real new_Ca_i;
    real new_Ca_SR;
    real new_Ca_ss;
    real new_Na_i;
    real new_K_i;
    if (method == 0) {
      new_V = V + h_ * rate_V;
      new_Xr1 = Xr1 + h_ * rate_Xr1;
      new_Xr2 = Xr2 + h_ * rate_Xr2;
      new_Xs = Xs + h_ * rate_Xs;
      new_m = m + h_ * rate_m;
      new_h = h + h_ * rate_h;
      new_j = j + h_ * rate_j;
      new_d = d + h_ * rate_d;
      new_f = f + h_ * rate_f;
      new_f2 = f2 + h_ * rate_f2;
      new_fCass = fCass + h_ * rate_fCass;
      new_s = s + h_ * rate_s;
      new_r = r + h_ * rate_r;
      new_R_prime = R_prime + h_ * rate_R_prime;
      new_Ca_i = Ca_i + h_ * rate_Ca_i;
      new_Ca_SR = Ca_SR + h_ * rate_Ca_SR;
      new_Ca_ss = Ca_ss + h_ * rate_Ca_ss;
      new_Na_i = Na_i + h_ * rate_Na_i;
      new_K_i = K_i + h_ * rate_K_i;
    } else {
      const real jac_Xr1 = (-1.0 / (tau_xr1));
      new_Xr1 = Xr1 + rate_Xr1 * expm1(jac_Xr1 * h_) / jac_Xr1;
      const real jac_Xr2 = (-1.0 / (tau_xr2));
      new_Xr2 = Xr2 + rate_Xr2 * expm1(jac_Xr2 * h_) / jac_Xr2;
      const real jac_Xs = (-1.0 / (tau_xs));
      new_Xs = Xs + rate_Xs * expm1(jac_Xs * h_) / jac_Xs;
      const real jac_m = (-1.0 / (tau_m));
      new_m = m + rate_m * expm1(jac_m * h_) / jac_m;
      const real jac_h = (-1.0 / (tau_h));
      new_h = h + rate_h * expm1(jac_h * h_) / jac_h;
      const real jac_j = (-1.0 / (tau_j));
      new_j = j + rate_j * expm1(jac_j * h_) / jac_j;
      const real jac_d = (-1.0 / (tau_d));
      new_d = d + rate_d * expm1(jac_d * h_) / jac_d;
      const real jac_f = (-1.0 / (tau_f));
      new_f = f + rate_f * expm1(jac_f * h_) / jac_f;
      const real jac_f2 = (-1.0 / (tau_f2));
      new_f2 = f2 + rate_f2 * expm1(jac_f2 * h_) / jac_f2;
      const real jac_fCass = (-1.0 / (tau_fCass));
      new_fCass = fCass + rate_fCass * expm1(jac_fCass * h_) / jac_fCass;
      const real jac_s = (-1.0 / (tau_s));
      new_s = s + rate_s * expm1(jac_s * h_) / jac_s;
      const real jac_r = (-1.0 / (tau_r));
      new_r = r + rate_r * expm1(jac_r * h_) / jac_r;
      const real jac_R_prime = ((-k4) + (-Ca_ss * k2));
      new_R_prime = R_prime + rate_R_prime * expm1(jac_R_prime * h_) / jac_R_prime;
      if (method == 2) {
        const real djac_V__I_Na = (g_Na * h * j * cube_(m));
        const real djac_V__I_to = (g_to * r * s);
        const real djac_V__I_Kr = (0.4303314829119352 * Xr1 * Xr2 * g_Kr * sqrt(K_o));
        const real djac_V__I_Ks = (g_Ks * sq_(Xs));
        const real djac_V__alpha_K1 = ((-3.686527411996926e-08) * exp(((0.06 * V) + ((-0.06) * E_K))) / (sq_((1.0 + (6.14421235332821e-06 * exp(((0.06 * V) + ((-0.06) * E_K))))))));
        const real djac_V__beta_K1 = ((((0.0006121208040160535 * exp(((0.0002 * V) + ((-0.0002) * E_K)))) + (0.036787944117144235 * exp(((0.1 * V) + ((-0.1) * E_K))))) / ((1.0 + exp(((0.5 * E_K) + ((-0.5) * V)))))) + (0.5 * ((0.36787944117144233 * exp(((0.1 * V) + ((-0.1) * E_K)))) + (3.0606040200802673 * exp(((0.0002 * V) + ((-0.0002) * E_K))))) * exp(((0.5 * E_K) + ((-0.5) * V))) / (sq_((1.0 + exp(((0.5 * E_K) + ((-0.5) * V))))))));
        const real djac_V__xK1_inf = ((djac_V__alpha_K1 * ((1.0 / (alpha_K1 + beta_K1)) + (-alpha_K1 / (sq_((alpha_K1 + beta_K1)))))) + (-alpha_K1 * djac_V__beta_K1 / (sq_((alpha_K1 + beta_K1)))));
        const real djac_V__I_K1 = ((0.4303314829119352 * g_K1 * xK1_inf * sqrt(K_o)) + (0.4303314829119352 * djac_V__xK1_inf * g_K1 * sqrt(K_o) * (V + (-E_K))));
        const real djac_V__VF = (F / (R * T));
        const real djac_V__ghk2 = (djac_V__VF * ((fabs(VF) < 1e-06) ? (-1.0) : ((2.0 / (((-1.0) + exp((2.0 * VF))))) + ((-4.0) * VF * exp((2.0 * VF)) / (sq_(((-1.0) + exp((2.0 * VF)))))))));
        const real djac_V__I_CaL = ((2.0 * F * d * djac_V__ghk2 * f * f2 * fCass * g_CaL * ((-Ca_o) + (0.25 * Ca_ss * exp((2.0 * VF))))) + (1.0 * Ca_ss * F * d * djac_V__VF * f * f2 * fCass * g_CaL * ghk2 * exp((2.0 * VF))));
        const real djac_V__I_NaK = (K_o * Na_i * P_NaK * ((0.0353 * exp((-V / (RTF))) / (RTF)) + (0.012450000000000001 * exp(((-0.1) * V / (RTF))) / (RTF))) / ((K_mK + K_o) * (K_mNa + Na_i) * sq_((1.0 + (0.0353 * exp((-V / (RTF)))) + (0.1245 * exp(((-0.1) * V / (RTF))))))));
        const real djac_V__I_NaCa = ((k_NaCa * ((Ca_o * gamma_NaCa * cube_(Na_i) * exp((V * gamma_NaCa / (RTF))) / (RTF)) + (-Ca_i * alpha_NaCa * cube_(Na_o) * ((-1.0) + gamma_NaCa) * exp((V * ((-1.0) + gamma_NaCa) / (RTF))) / (RTF))) / ((1.0 + (k_sat * exp((V * ((-1.0) + gamma_NaCa) / (RTF))))) * (Ca_o + K_mCa) * (cube_(K_mNai) + cube_(Na_o)))) + (-k_NaCa * k_sat * ((-1.0) + gamma_NaCa) * ((Ca_o * cube_(Na_i) * exp((V * gamma_NaCa / (RTF)))) + (-Ca_i * alpha_NaCa * cube_(Na_o) * exp((V * ((-1.0) + gamma_NaCa) / (RTF))))) * exp((V * ((-1.0) + gamma_NaCa) / (RTF))) / (RTF * sq_((1.0 + (k_sat * exp((V * ((-1.0) + gamma_NaCa) / (RTF)))))) * (Ca_o + K_mCa) * (cube_(K_mNai) + cube_(Na_o)))));
        const real djac_V__I_pK = ((g_pK / ((1.0 + (65.40521574193832 * exp(((-0.16722408026755853) * V)))))) + (0.0025567392198101594 * g_pK * (V + (-E_K)) * exp(((-0.16722408026755853) * V)) / (sq_((0.015289300534464752 + exp(((-0.16722408026755853) * V)))))));
        const real djac_V__I_bNa = g_bNa;
        const real djac_V__I_bCa = g_bCa;
        const real djac_V__I_ion = (djac_V__I_CaL + djac_V__I_K1 + djac_V__I_Kr + djac_V__I_Ks + djac_V__I_Na + djac_V__I_NaCa + djac_V__I_NaK + djac_V__I_bCa + djac_V__I_bNa + djac_V__I_pK + djac_V__I_to);
        const real jac_V = (-djac_V__I_ion);
        new_V = fabs(jac_V) < 1e-12 ? V + h_ * rate_V : V + rate_V * expm1(jac_V * h_) / jac_V;
        const real djac_Ca_i__E_Ca = ((-0.5) * RTF / (Ca_i));
        const real djac_Ca_i__I_NaCa = (-alpha_NaCa * k_NaCa * cube_(Na_o) * exp((V * ((-1.0) + gamma_NaCa) / (RTF))) / ((1.0 + (k_sat * exp((V * ((-1.0) + gamma_NaCa) / (RTF))))) * (Ca_o + K_mCa) * (cube_(K_mNai) + cube_(Na_o))));
        const real djac_Ca_i__I_pCa = ((g_pCa / ((Ca_i + K_pCa))) + (-Ca_i * g_pCa / (sq_((Ca_i + K_pCa)))));
        const real djac_Ca_i__I_bCa = (-djac_Ca_i__E_Ca * g_bCa);
        const real djac_Ca_i__I_up = (2.0 * V_maxup * sq_(K_up) / (cube_(Ca_i) * sq_((1.0 + (sq_(K_up) / (sq_(Ca_i)))))));
        const real djac_Ca_i__I_leak = (-V_leak);
        const real djac_Ca_i__I_xfer = (-V_xfer);
        const real djac_Ca_i__Ca_i_buf = (2.0 * Buf_c * K_bufc / (sq_((1.0 + (Buf_c * K_bufc / (sq_((Ca_i + K_bufc)))))) * cube_((Ca_i + K_bufc))));
        const real jac_Ca_i = ((Ca_i_buf * djac_Ca_i__I_xfer) + (djac_Ca_i__Ca_i_buf * (I_xfer + (V_sr * (I_leak + (-I_up)) / (V_c)) + ((-0.5) * Cm * (I_bCa + I_pCa + ((-2.0) * I_NaCa)) / (F * V_c)))) + (Ca_i_buf * V_sr * djac_Ca_i__I_leak / (V_c)) + (-Ca_i_buf * V_sr * djac_Ca_i__I_up / (V_c)) + (Ca_i_buf * Cm * djac_Ca_i__I_NaCa / (F * V_c)) + ((-0.5) * Ca_i_buf * Cm * djac_Ca_i__I_bCa / (F * V_c)) + ((-0.5) * Ca_i_buf * Cm * djac_Ca_i__I_pCa / (F * V_c)));
        new_Ca_i = fabs(jac_Ca_i) < 1e-12 ? Ca_i + h_ * rate_Ca_i : Ca_i + rate_Ca_i * expm1(jac_Ca_i * h_) / jac_Ca_i;
        const real djac_Ca_SR__kcasr = ((-2.0) * sq_(EC) * (max_sr + (-min_sr)) / (cube_(Ca_SR) * sq_((1.0 + (sq_(EC) / (sq_(Ca_SR)))))));
        const real djac_Ca_SR__k1 = (-djac_Ca_SR__kcasr * k1_prime / (sq_(kcasr)));
        const real djac_Ca_SR__O = (djac_Ca_SR__k1 * ((R_prime * sq_(Ca_ss) / ((k3 + (k1 * sq_(Ca_ss))))) + (-R_prime * k1 * quart_(Ca_ss) / (sq_((k3 + (k1 * sq_(Ca_ss))))))));
        const real djac_Ca_SR__I_rel = ((O * V_rel) + (V_rel * djac_Ca_SR__O * (Ca_SR + (-Ca_ss))));
        const real djac_Ca_SR__I_leak = V_leak;
        const real djac_Ca_SR__Ca_sr_buf = (2.0 * Buf_sr * K_bufsr / (sq_((1.0 + (Buf_sr * K_bufsr / (sq_((Ca_SR + K_bufsr)))))) * cube_((Ca_SR + K_bufsr))));
        const real jac_Ca_SR = ((djac_Ca_SR__Ca_sr_buf * (I_up + (-I_leak) + (-I_rel))) + (-Ca_sr_buf * djac_Ca_SR__I_leak) + (-Ca_sr_buf * djac_Ca_SR__I_rel));
        new_Ca_SR = fabs(jac_Ca_SR) < 1e-12 ? Ca_SR + h_ * rate_Ca_SR : Ca_SR + rate_Ca_SR * expm1(jac_Ca_SR * h_) / jac_Ca_SR;
        const real djac_Ca_ss__I_CaL = (0.5 * F * d * f * f2 * fCass * g_CaL * ghk2 * exp((2.0 * VF)));
        const real djac_Ca_ss__O = (((-2.0) * R_prime * cube_(Ca_ss) * sq_(k1) / (sq_((k3 + (k1 * sq_(Ca_ss)))))) + (2.0 * Ca_ss * R_prime * k1 / ((k3 + (k1 * sq_(Ca_ss))))));
        const real djac_Ca_ss__I_rel = ((-O * V_rel) + (V_rel * djac_Ca_ss__O * (Ca_SR + (-Ca_ss))));
        const real djac_Ca_ss__I_xfer = V_xfer;
        const real djac_Ca_ss__Ca_ss_buf = (2.0 * Buf_ss * K_bufss / (sq_((1.0 + (Buf_ss * K_bufss / (sq_((Ca_ss + K_bufss)))))) * cube_((Ca_ss + K_bufss))));
        const real jac_Ca_ss = ((djac_Ca_ss__Ca_ss_buf * ((I_rel * V_sr / (V_ss)) + (-I_xfer * V_c / (V_ss)) + ((-0.5) * Cm * I_CaL / (F * V_ss)))) + (Ca_ss_buf * V_sr * djac_Ca_ss__I_rel / (V_ss)) + (-Ca_ss_buf * V_c * djac_Ca_ss__I_xfer / (V_ss)) + ((-0.5) * Ca_ss_buf * Cm * djac_Ca_ss__I_CaL / (F * V_ss)));
        new_Ca_ss = fabs(jac_Ca_ss) < 1e-12 ? Ca_ss + h_ * rate_Ca_ss : Ca_ss + rate_Ca_ss * expm1(jac_Ca_ss * h_) / jac_Ca_ss;
        const real djac_Na_i__E_Na = (-RTF / (Na_i));
        const real djac_Na_i__I_Na = (-djac_Na_i__E_Na * g_Na * h * j * cube_(m));
        const real djac_Na_i__I_NaK = ((K_o * P_NaK / ((K_mK + K_o) * (K_mNa + Na_i) * (1.0 + (0.0353 * exp((-V / (RTF)))) + (0.1245 * exp(((-0.1) * V / (RTF))))))) + (-K_o * Na_i * P_NaK / ((K_mK + K_o) * sq_((K_mNa + Na_i)) * (1.0 + (0.0353 * exp((-V / (RTF)))) + (0.1245 * exp(((-0.1) * V / (RTF))))))));
        const real djac_Na_i__I_NaCa = (3.0 * Ca_o * k_NaCa * sq_(Na_i) * exp((V * gamma_NaCa / (RTF))) / ((1.0 + (k_sat * exp((V * ((-1.0) + gamma_NaCa) / (RTF))))) * (Ca_o + K_mCa) * (cube_(K_mNai) + cube_(Na_o))));
        const real djac_Na_i__I_bNa = (-djac_Na_i__E_Na * g_bNa);
        const real jac_Na_i = ((-Cm * djac_Na_i__I_Na / (F * V_c)) + (-Cm * djac_Na_i__I_bNa / (F * V_c)) + ((-3.0) * Cm * djac_Na_i__I_NaCa / (F * V_c)) + ((-3.0) * Cm * djac_Na_i__I_NaK / (F * V_c)));
        new_Na_i = fabs(jac_Na_i) < 1e-12 ? Na_i + h_ * rate_Na_i : Na_i + rate_Na_i * expm1(jac_Na_i * h_) / jac_Na_i;
        const real djac_K_i__E_K = (-RTF / (K_i));
        const real djac_K_i__E_Ks = (-RTF / ((K_i + (Na_i * p_KNa))));
        const real djac_K_i__I_to = (-djac_K_i__E_K * g_to * r * s);
        const real djac_K_i__I_Kr = ((-0.4303314829119352) * Xr1 * Xr2 * djac_K_i__E_K * g_Kr * sqrt(K_o));
        const real djac_K_i__I_Ks = (-djac_K_i__E_Ks * g_Ks * sq_(Xs));
        const real djac_K_i__alpha_K1 = (3.686527411996926e-08 * djac_K_i__E_K * exp(((0.06 * V) + ((-0.06) * E_K))) / (sq_((1.0 + (6.14421235332821e-06 * exp(((0.06 * V) + ((-0.06) * E_K))))))));
        const real djac_K_i__beta_K1 = (djac_K_i__E_K * (((((-0.0006121208040160535) * exp(((0.0002 * V) + ((-0.0002) * E_K)))) + ((-0.036787944117144235) * exp(((0.1 * V) + ((-0.1) * E_K))))) / ((1.0 + exp(((0.5 * E_K) + ((-0.5) * V)))))) + ((-0.5) * ((0.36787944117144233 * exp(((0.1 * V) + ((-0.1) * E_K)))) + (3.0606040200802673 * exp(((0.0002 * V) + ((-0.0002) * E_K))))) * exp(((0.5 * E_K) + ((-0.5) * V))) / (sq_((1.0 + exp(((0.5 * E_K) + ((-0.5) * V)))))))));
        const real djac_K_i__xK1_inf = ((djac_K_i__alpha_K1 * ((1.0 / (alpha_K1 + beta_K1)) + (-alpha_K1 / (sq_((alpha_K1 + beta_K1)))))) + (-alpha_K1 * djac_K_i__beta_K1 / (sq_((alpha_K1 + beta_K1)))));
        const real djac_K_i__I_K1 = ((0.4303314829119352 * djac_K_i__xK1_inf * g_K1 * sqrt(K_o) * (V + (-E_K))) + ((-0.4303314829119352) * djac_K_i__E_K * g_K1 * xK1_inf * sqrt(K_o)));
        const real djac_K_i__I_pK = (-djac_K_i__E_K * g_pK / ((1.0 + (65.40521574193832 * exp(((-0.16722408026755853) * V))))));
        const real jac_K_i = ((-Cm * djac_K_i__I_K1 / (F * V_c)) + (-Cm * djac_K_i__I_Kr / (F * V_c)) + (-Cm * djac_K_i__I_Ks / (F * V_c)) + (-Cm * djac_K_i__I_pK / (F * V_c)) + (-Cm * djac_K_i__I_to / (F * V_c)));
        new_K_i = fabs(jac_K_i) < 1e-12 ? K_i + h_ * rate_K_i : K_i + rate_K_i * expm1(jac_K_i * h_) / jac_K_i;
      } else {
        new_V = V + h_ * rate_V;
        new_Ca_i = Ca_i + h_ * rate_Ca_i;
        new_Ca_SR = Ca_SR + h_ * rate_Ca_SR;
        new_Ca_ss = Ca_ss + h_ * rate_Ca_ss;
        new_Na_i = Na_i + h_ * rate_Na_i;
        new_K_i = K_i + h_ * rate_K_i;
      }
    }
    V = new_V;
    Xr1 = new_Xr1;
    Xr2 = new_Xr2;
    Xs = new_Xs;
    m = new_m;
    h = new_h;
    j = new_j;
    d = new_d;
    f = new_f;
    f2 = new_f2;
    fCass = new_fCass;
    s = new_s;
    r = new_r;
    R_prime = new_R_prime;
    Ca_i = new_Ca_i;
    Ca_SR = new_Ca_SR;
    Ca_ss = new_Ca_ss;
    Na_i = new_Na_i;
    K_i = new_K_i;
  }
  y[0 * n_ + i_] = V;
  y[1 * n_ + i_] = Xr1;
  y[2 * n_ + i_] = Xr2;
  y[3 * n_ + i_] = Xs;
  y[4 * n_ + i_] = m;
  y[5 * n_ + i_] = h;
  y[6 * n_ + i_] = j;
  y[7 * n_ + i_] = d;
  y[8 * n_ + i_] = f;
  y[9 * n_ + i_] = f2;
  y[10 * n_ + i_] = fCass;
  y[11 * n_ + i_] = s;
  y[12 * n_ + i_] = r;
  y[13 * n_ + i_] = R_prime;
  y[14 * n_ + i_] = Ca_i;
  y[15 * n_ + i_] = Ca_SR;
  y[16 * n_ + i_] = Ca_ss;
  y[17 * n_ + i_] = Na_i;
  y[18 * n_ + i_] = K_i;
KERNEL_END
"""
