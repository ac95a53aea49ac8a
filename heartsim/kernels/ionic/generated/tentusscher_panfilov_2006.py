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
#define KERNEL_BEGIN extern "C" __global__ void tentusscher_panfilov_2006_step(real* __restrict__ y, const real* __restrict__ ptab, const int* __restrict__ region, const double dt, const double stim_rate, const real* __restrict__ stim_mask, const int method, const int substeps, const long long n_) { \
  const long long i_ = (long long)blockIdx.x * blockDim.x + threadIdx.x; if (i_ >= n_) return;
#define KERNEL_END }
#define P_(k) __ldg(pp_ + (k))
#else
#include <math.h>
#define __device__
#define __forceinline__ inline
#define __restrict__ restrict
#define KERNEL_BEGIN void tentusscher_panfilov_2006_step(real* __restrict__ y, const real* __restrict__ ptab, const int* __restrict__ region, const double dt, const double stim_rate, const real* __restrict__ stim_mask, const int method, const int substeps, const long long n_) { \
  for (long long i_ = 0; i_ < n_; ++i_) {
#define KERNEL_END } }
#define P_(k) (pp_[k])
#endif
__device__ static __forceinline__ real sq_(real x) { return x * x; }
__device__ static __forceinline__ real cube_(real x) { return x * x * x; }
__device__ static __forceinline__ real quart_(real x) { real s = x * x; return s * s; }
// states: V, Xr1, Xr2, Xs, m, h, j, d, f, f2, fCass, s, r, R_prime, Ca_i, Ca_SR, Ca_ss, Na_i, K_i
// parameters (P_(k)): 0 R, 1 T, 2 F, 3 Cm, 4 V_c, 5 V_sr, 6 V_ss, 7 K_o, 8 Na_o, 9 Ca_o, 10 celltype, 11 g_Na, 12 g_K1, 13 g_to, 14 g_Kr, 15 g_Ks, 16 p_KNa, 17 g_CaL, 18 P_NaK, 19 K_mK, 20 K_mNa, 21 k_NaCa, 22 gamma_NaCa, 23 K_mCa, 24 K_mNai, 25 k_sat, 26 alpha_NaCa, 27 g_pCa, 28 K_pCa, 29 g_pK, 30 g_bNa, 31 g_bCa, 32 V_maxup, 33 K_up, 34 V_rel, 35 V_leak, 36 V_xfer, 37 k1_prime, 38 k2_prime, 39 k3, 40 k4, 41 EC, 42 max_sr, 43 min_sr, 44 Buf_c, 45 K_bufc, 46 Buf_sr, 47 K_bufsr, 48 Buf_ss, 49 K_bufss
KERNEL_BEGIN
  const real* __restrict__ pp_ = ptab + (region ? region[i_] : 0) * 50;
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
  const real h_ = (real)dt / (real)SUBSTEPS_;
  for (int k_ = 0; k_ < SUBSTEPS_; ++k_) {
    const real RTF = (P_(0) * P_(1) / (P_(2)));
    const real E_Na = (RTF * M_(log)((P_(8) / (Na_i))));
    const real E_K = (RTF * M_(log)((P_(7) / (K_i))));
    const real E_Ks = (RTF * M_(log)(((P_(7) + (P_(8) * P_(16))) / ((K_i + (Na_i * P_(16)))))));
    const real E_Ca = (L_(0.5) * RTF * M_(log)((P_(9) / (Ca_i))));
    const real I_Na = (P_(11) * h * j * cube_(m) * (V + (-E_Na)));
    const real m_inf = (L_(1.0) / sq_((L_(1.0) + (L_(0.0018422115811651339) * M_(exp)(((-L_(0.1107419712070875)) * V))))));
    const real alpha_m = (L_(1.0) / (L_(1.0) + M_(exp)(((-L_(12.0)) + ((-L_(0.2)) * V)))));
    const real beta_m = ((L_(0.1) / ((L_(1.0) + M_(exp)((L_(7.0) + (L_(0.2) * V)))))) + (L_(0.1) / ((L_(1.0) + M_(exp)(((-L_(0.25)) + (L_(0.005) * V)))))));
    const real tau_m = (alpha_m * beta_m);
    const real h_inf = (L_(4.321091783768971e-09) / (sq_((L_(6.573501185646026e-05) + M_(exp)((L_(0.13458950201884254) * V))))));
    const real alpha_h = ((V < (-L_(40.0))) ? (L_(4.4312679295805147e-07) * M_(exp)(((-L_(0.14705882352941177)) * V))) : L_(0.0));
    const real beta_h = ((V < (-L_(40.0))) ? ((L_(310000.0) * M_(exp)((L_(0.3485) * V))) + (L_(2.7) * M_(exp)((L_(0.079) * V)))) : (L_(0.77) / ((L_(0.13) + (L_(0.049758141083938695) * M_(exp)(((-L_(0.0900900900900901)) * V)))))));
    const real tau_h = (L_(1.0) / (alpha_h + beta_h));
    const real j_inf = h_inf;
    const real alpha_j = ((V < (-L_(40.0))) ? ((L_(37.78) + V) * (((-L_(25428.0)) * M_(exp)((L_(0.2444) * V))) + ((-L_(6.948e-06)) * M_(exp)(((-L_(0.04391)) * V)))) / ((L_(1.0) + (L_(50262745825.95399) * M_(exp)((L_(0.311) * V)))))) : L_(0.0));
    const real beta_j = ((V < (-L_(40.0))) ? (L_(0.02424) * M_(exp)(((-L_(0.01052)) * V)) / ((L_(1.0) + (L_(0.003960868339904256) * M_(exp)(((-L_(0.1378)) * V)))))) : (L_(0.6) * M_(exp)((L_(0.057) * V)) / ((L_(1.0) + (L_(0.040762203978366204) * M_(exp)(((-L_(0.1)) * V)))))));
    const real tau_j = (L_(1.0) / (alpha_j + beta_j));
    const real I_to = (P_(13) * r * s * (V + (-E_K)));
    const real r_inf = (L_(1.0) / (L_(1.0) + M_(exp)((L_(3.3333333333333335) + ((-L_(0.16666666666666666)) * V)))));
    const real tau_r = (L_(0.8) + (L_(9.5) * M_(exp)(((-L_(0.0005555555555555556)) * sq_((L_(40.0) + V))))));
    const real s_inf = ((P_(10) == L_(0.0)) ? (L_(1.0) / (L_(1.0) + M_(exp)((L_(5.6) + (L_(0.2) * V))))) : (L_(1.0) / (L_(1.0) + M_(exp)((L_(4.0) + (L_(0.2) * V))))));
    const real tau_s = ((P_(10) == L_(0.0)) ? (L_(8.0) + (L_(1000.0) * M_(exp)(((-L_(0.001)) * sq_((L_(67.0) + V)))))) : (L_(3.0) + (L_(5.0) / ((L_(1.0) + M_(exp)(((-L_(4.0)) + (L_(0.2) * V)))))) + (L_(85.0) * M_(exp)(((-L_(0.003125)) * sq_((L_(45.0) + V)))))));
    const real I_Kr = (L_(0.4303314829119352) * Xr1 * Xr2 * P_(14) * M_(sqrt)(P_(7)) * (V + (-E_K)));
    const real xr1_inf = (L_(1.0) / (L_(1.0) + M_(exp)(((-L_(3.7142857142857144)) + ((-L_(0.14285714285714285)) * V)))));
    const real alpha_xr1 = (L_(450.0) / ((L_(1.0) + M_(exp)(((-L_(4.5)) + ((-L_(0.1)) * V))))));
    const real beta_xr1 = (L_(6.0) / ((L_(1.0) + (L_(13.581324522578193) * M_(exp)((L_(0.08695652173913043) * V))))));
    const real tau_xr1 = (alpha_xr1 * beta_xr1);
    const real xr2_inf = (L_(1.0) / (L_(1.0) + M_(exp)((L_(3.6666666666666665) + (L_(0.041666666666666664) * V)))));
    const real alpha_xr2 = (L_(3.0) / ((L_(1.0) + M_(exp)(((-L_(3.0)) + ((-L_(0.05)) * V))))));
    const real beta_xr2 = (L_(1.12) / ((L_(1.0) + M_(exp)(((-L_(3.0)) + (L_(0.05) * V))))));
    const real tau_xr2 = (alpha_xr2 * beta_xr2);
    const real I_Ks = (P_(15) * sq_(Xs) * (V + (-E_Ks)));
    const real xs_inf = (L_(1.0) / (L_(1.0) + M_(exp)(((-L_(0.35714285714285715)) + ((-L_(0.07142857142857142)) * V)))));
    const real alpha_xs = (L_(1400.0) / (M_(sqrt)((L_(1.0) + M_(exp)((L_(0.8333333333333334) + ((-L_(0.16666666666666666)) * V)))))));
    const real beta_xs = (L_(1.0) / (L_(1.0) + M_(exp)(((-L_(2.3333333333333335)) + (L_(0.06666666666666667) * V)))));
    const real tau_xs = (L_(80.0) + (alpha_xs * beta_xs));
    const real alpha_K1 = (L_(0.1) / ((L_(1.0) + (L_(6.14421235332821e-06) * M_(exp)(((L_(0.06) * V) + ((-L_(0.06)) * E_K)))))));
    const real beta_K1 = (((L_(0.36787944117144233) * M_(exp)(((L_(0.1) * V) + ((-L_(0.1)) * E_K)))) + (L_(3.0606040200802673) * M_(exp)(((L_(0.0002) * V) + ((-L_(0.0002)) * E_K))))) / ((L_(1.0) + M_(exp)(((L_(0.5) * E_K) + ((-L_(0.5)) * V))))));
    const real xK1_inf = (alpha_K1 / ((alpha_K1 + beta_K1)));
    const real I_K1 = (L_(0.4303314829119352) * P_(12) * xK1_inf * M_(sqrt)(P_(7)) * (V + (-E_K)));
    const real VF = (P_(2) * ((-L_(15.0)) + V) / (P_(0) * P_(1)));
    const real ghk2 = ((M_(fabs)(VF) < L_(1e-06)) ? (L_(1.0) + (-VF)) : (L_(2.0) * VF / (((-L_(1.0)) + M_(exp)((L_(2.0) * VF))))));
    const real I_CaL = (L_(2.0) * P_(2) * d * f * f2 * fCass * P_(17) * ghk2 * ((-P_(9)) + (L_(0.25) * Ca_ss * M_(exp)((L_(2.0) * VF)))));
    const real d_inf = (L_(1.0) / (L_(1.0) + (L_(0.34415378686541237) * M_(exp)(((-L_(0.13333333333333333)) * V)))));
    const real alpha_d = (L_(0.25) + (L_(1.4) / ((L_(1.0) + M_(exp)(((-L_(2.6923076923076925)) + ((-L_(0.07692307692307693)) * V)))))));
    const real beta_d = (L_(1.4) / ((L_(1.0) + M_(exp)((L_(1.0) + (L_(0.2) * V))))));
    const real gamma_d = (L_(1.0) / (L_(1.0) + M_(exp)((L_(2.5) + ((-L_(0.05)) * V)))));
    const real tau_d = (gamma_d + (alpha_d * beta_d));
    const real f_inf = (L_(1.0) / (L_(1.0) + M_(exp)((L_(2.857142857142857) + (L_(0.14285714285714285) * V)))));
    const real tau_f = (L_(20.0) + (L_(180.0) / ((L_(1.0) + M_(exp)((L_(3.0) + (L_(0.1) * V)))))) + (L_(200.0) / ((L_(1.0) + M_(exp)((L_(1.3) + ((-L_(0.1)) * V)))))) + (L_(1102.5) * M_(exp)(((-L_(0.0044444444444444444)) * sq_((L_(27.0) + V))))));
    const real f2_inf = (L_(0.33) + (L_(0.67) / ((L_(1.0) + M_(exp)((L_(5.0) + (L_(0.14285714285714285) * V)))))));
    const real tau_f2 = ((L_(31.0) / ((L_(1.0) + M_(exp)((L_(2.5) + ((-L_(0.1)) * V)))))) + (L_(80.0) / ((L_(1.0) + M_(exp)((L_(3.0) + (L_(0.1) * V)))))) + (L_(562.0) * M_(exp)(((-L_(0.004166666666666667)) * sq_((L_(27.0) + V))))));
    const real fCass_inf = (L_(0.4) + (L_(0.6) / ((L_(1.0) + (L_(400.0) * sq_(Ca_ss))))));
    const real tau_fCass = (L_(2.0) + (L_(80.0) / ((L_(1.0) + (L_(400.0) * sq_(Ca_ss))))));
    const real I_NaK = (P_(7) * Na_i * P_(18) / ((P_(19) + P_(7)) * (P_(20) + Na_i) * (L_(1.0) + (L_(0.0353) * M_(exp)((-V / (RTF)))) + (L_(0.1245) * M_(exp)(((-L_(0.1)) * V / (RTF)))))));
    const real I_NaCa = (P_(21) * ((P_(9) * cube_(Na_i) * M_(exp)((V * P_(22) / (RTF)))) + (-Ca_i * P_(26) * cube_(P_(8)) * M_(exp)((V * ((-L_(1.0)) + P_(22)) / (RTF))))) / ((L_(1.0) + (P_(25) * M_(exp)((V * ((-L_(1.0)) + P_(22)) / (RTF))))) * (P_(9) + P_(23)) * (cube_(P_(24)) + cube_(P_(8)))));
    const real I_pCa = (Ca_i * P_(27) / ((Ca_i + P_(28))));
    const real I_pK = (P_(29) * (V + (-E_K)) / ((L_(1.0) + (L_(65.40521574193832) * M_(exp)(((-L_(0.16722408026755853)) * V))))));
    const real I_bNa = (P_(30) * (V + (-E_Na)));
    const real I_bCa = (P_(31) * (V + (-E_Ca)));
    const real I_ion = (I_CaL + I_K1 + I_Kr + I_Ks + I_Na + I_NaCa + I_NaK + I_bCa + I_bNa + I_pCa + I_pK + I_to);
    const real kcasr = (P_(42) + (-(P_(42) + (-P_(43))) / ((L_(1.0) + (sq_(P_(41)) / (sq_(Ca_SR)))))));
    const real k1 = (P_(37) / (kcasr));
    const real k2 = (P_(38) * kcasr);
    const real O = (R_prime * k1 * sq_(Ca_ss) / ((P_(39) + (k1 * sq_(Ca_ss)))));
    const real I_rel = (O * P_(34) * (Ca_SR + (-Ca_ss)));
    const real I_up = (P_(32) / ((L_(1.0) + (sq_(P_(33)) / (sq_(Ca_i))))));
    const real I_leak = (P_(35) * (Ca_SR + (-Ca_i)));
    const real I_xfer = (P_(36) * (Ca_ss + (-Ca_i)));
    const real Ca_i_buf = (L_(1.0) / (L_(1.0) + (P_(44) * P_(45) / (sq_((Ca_i + P_(45)))))));
    const real Ca_sr_buf = (L_(1.0) / (L_(1.0) + (P_(46) * P_(47) / (sq_((Ca_SR + P_(47)))))));
    const real Ca_ss_buf = (L_(1.0) / (L_(1.0) + (P_(48) * P_(49) / (sq_((Ca_ss + P_(49)))))));
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
    const real rate_R_prime = ((P_(40) * (L_(1.0) + (-R_prime))) + (-Ca_ss * R_prime * k2));
    const real rate_Ca_i = (Ca_i_buf * (I_xfer + (P_(5) * (I_leak + (-I_up)) / (P_(4))) + ((-L_(0.5)) * P_(3) * (I_bCa + I_pCa + ((-L_(2.0)) * I_NaCa)) / (P_(2) * P_(4)))));
    const real rate_Ca_SR = (Ca_sr_buf * (I_up + (-I_leak) + (-I_rel)));
    const real rate_Ca_ss = (Ca_ss_buf * ((I_rel * P_(5) / (P_(6))) + (-I_xfer * P_(4) / (P_(6))) + ((-L_(0.5)) * P_(3) * I_CaL / (P_(2) * P_(6)))));
    const real rate_Na_i = (P_(3) * ((-I_Na) + (-I_bNa) + ((-L_(3.0)) * I_NaCa) + ((-L_(3.0)) * I_NaK)) / (P_(2) * P_(4)));
    const real rate_K_i = (P_(3) * (stim + (-I_K1) + (-I_Kr) + (-I_Ks) + (-I_pK) + (-I_to) + (L_(2.0) * I_NaK)) / (P_(2) * P_(4)));
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
    if (METHOD_ == 0) {
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
      const real jac_Xr1 = (-L_(1.0) / (tau_xr1));
      new_Xr1 = Xr1 + rate_Xr1 * M_(expm1)(jac_Xr1 * h_) / jac_Xr1;
      const real jac_Xr2 = (-L_(1.0) / (tau_xr2));
      new_Xr2 = Xr2 + rate_Xr2 * M_(expm1)(jac_Xr2 * h_) / jac_Xr2;
      const real jac_Xs = (-L_(1.0) / (tau_xs));
      new_Xs = Xs + rate_Xs * M_(expm1)(jac_Xs * h_) / jac_Xs;
      const real jac_m = (-L_(1.0) / (tau_m));
      new_m = m + rate_m * M_(expm1)(jac_m * h_) / jac_m;
      const real jac_h = (-L_(1.0) / (tau_h));
      new_h = h + rate_h * M_(expm1)(jac_h * h_) / jac_h;
      const real jac_j = (-L_(1.0) / (tau_j));
      new_j = j + rate_j * M_(expm1)(jac_j * h_) / jac_j;
      const real jac_d = (-L_(1.0) / (tau_d));
      new_d = d + rate_d * M_(expm1)(jac_d * h_) / jac_d;
      const real jac_f = (-L_(1.0) / (tau_f));
      new_f = f + rate_f * M_(expm1)(jac_f * h_) / jac_f;
      const real jac_f2 = (-L_(1.0) / (tau_f2));
      new_f2 = f2 + rate_f2 * M_(expm1)(jac_f2 * h_) / jac_f2;
      const real jac_fCass = (-L_(1.0) / (tau_fCass));
      new_fCass = fCass + rate_fCass * M_(expm1)(jac_fCass * h_) / jac_fCass;
      const real jac_s = (-L_(1.0) / (tau_s));
      new_s = s + rate_s * M_(expm1)(jac_s * h_) / jac_s;
      const real jac_r = (-L_(1.0) / (tau_r));
      new_r = r + rate_r * M_(expm1)(jac_r * h_) / jac_r;
      const real jac_R_prime = ((-P_(40)) + (-Ca_ss * k2));
      new_R_prime = R_prime + rate_R_prime * M_(expm1)(jac_R_prime * h_) / jac_R_prime;
      if (METHOD_ == 2) {
        const real djac_V__I_Na = (P_(11) * h * j * cube_(m));
        const real djac_V__I_to = (P_(13) * r * s);
        const real djac_V__I_Kr = (L_(0.4303314829119352) * Xr1 * Xr2 * P_(14) * M_(sqrt)(P_(7)));
        const real djac_V__I_Ks = (P_(15) * sq_(Xs));
        const real djac_V__alpha_K1 = ((-L_(3.686527411996926e-08)) * M_(exp)(((L_(0.06) * V) + ((-L_(0.06)) * E_K))) / (sq_((L_(1.0) + (L_(6.14421235332821e-06) * M_(exp)(((L_(0.06) * V) + ((-L_(0.06)) * E_K))))))));
        const real djac_V__beta_K1 = ((((L_(0.0006121208040160535) * M_(exp)(((L_(0.0002) * V) + ((-L_(0.0002)) * E_K)))) + (L_(0.036787944117144235) * M_(exp)(((L_(0.1) * V) + ((-L_(0.1)) * E_K))))) / ((L_(1.0) + M_(exp)(((L_(0.5) * E_K) + ((-L_(0.5)) * V)))))) + (L_(0.5) * ((L_(0.36787944117144233) * M_(exp)(((L_(0.1) * V) + ((-L_(0.1)) * E_K)))) + (L_(3.0606040200802673) * M_(exp)(((L_(0.0002) * V) + ((-L_(0.0002)) * E_K))))) * M_(exp)(((L_(0.5) * E_K) + ((-L_(0.5)) * V))) / (sq_((L_(1.0) + M_(exp)(((L_(0.5) * E_K) + ((-L_(0.5)) * V))))))));
        const real djac_V__xK1_inf = ((djac_V__alpha_K1 * ((L_(1.0) / (alpha_K1 + beta_K1)) + (-alpha_K1 / (sq_((alpha_K1 + beta_K1)))))) + (-alpha_K1 * djac_V__beta_K1 / (sq_((alpha_K1 + beta_K1)))));
        const real djac_V__I_K1 = ((L_(0.4303314829119352) * P_(12) * xK1_inf * M_(sqrt)(P_(7))) + (L_(0.4303314829119352) * djac_V__xK1_inf * P_(12) * M_(sqrt)(P_(7)) * (V + (-E_K))));
        const real djac_V__VF = (P_(2) / (P_(0) * P_(1)));
        const real djac_V__ghk2 = (djac_V__VF * ((M_(fabs)(VF) < L_(1e-06)) ? (-L_(1.0)) : ((L_(2.0) / (((-L_(1.0)) + M_(exp)((L_(2.0) * VF))))) + ((-L_(4.0)) * VF * M_(exp)((L_(2.0) * VF)) / (sq_(((-L_(1.0)) + M_(exp)((L_(2.0) * VF)))))))));
        const real djac_V__I_CaL = ((L_(2.0) * P_(2) * d * djac_V__ghk2 * f * f2 * fCass * P_(17) * ((-P_(9)) + (L_(0.25) * Ca_ss * M_(exp)((L_(2.0) * VF))))) + (L_(1.0) * Ca_ss * P_(2) * d * djac_V__VF * f * f2 * fCass * P_(17) * ghk2 * M_(exp)((L_(2.0) * VF))));
        const real djac_V__I_NaK = (P_(7) * Na_i * P_(18) * ((L_(0.0353) * M_(exp)((-V / (RTF))) / (RTF)) + (L_(0.012450000000000001) * M_(exp)(((-L_(0.1)) * V / (RTF))) / (RTF))) / ((P_(19) + P_(7)) * (P_(20) + Na_i) * sq_((L_(1.0) + (L_(0.0353) * M_(exp)((-V / (RTF)))) + (L_(0.1245) * M_(exp)(((-L_(0.1)) * V / (RTF))))))));
        const real djac_V__I_NaCa = ((P_(21) * ((P_(9) * P_(22) * cube_(Na_i) * M_(exp)((V * P_(22) / (RTF))) / (RTF)) + (-Ca_i * P_(26) * cube_(P_(8)) * ((-L_(1.0)) + P_(22)) * M_(exp)((V * ((-L_(1.0)) + P_(22)) / (RTF))) / (RTF))) / ((L_(1.0) + (P_(25) * M_(exp)((V * ((-L_(1.0)) + P_(22)) / (RTF))))) * (P_(9) + P_(23)) * (cube_(P_(24)) + cube_(P_(8))))) + (-P_(21) * P_(25) * ((-L_(1.0)) + P_(22)) * ((P_(9) * cube_(Na_i) * M_(exp)((V * P_(22) / (RTF)))) + (-Ca_i * P_(26) * cube_(P_(8)) * M_(exp)((V * ((-L_(1.0)) + P_(22)) / (RTF))))) * M_(exp)((V * ((-L_(1.0)) + P_(22)) / (RTF))) / (RTF * sq_((L_(1.0) + (P_(25) * M_(exp)((V * ((-L_(1.0)) + P_(22)) / (RTF)))))) * (P_(9) + P_(23)) * (cube_(P_(24)) + cube_(P_(8))))));
        const real djac_V__I_pK = ((P_(29) / ((L_(1.0) + (L_(65.40521574193832) * M_(exp)(((-L_(0.16722408026755853)) * V)))))) + (L_(0.0025567392198101594) * P_(29) * (V + (-E_K)) * M_(exp)(((-L_(0.16722408026755853)) * V)) / (sq_((L_(0.015289300534464752) + M_(exp)(((-L_(0.16722408026755853)) * V)))))));
        const real djac_V__I_bNa = P_(30);
        const real djac_V__I_bCa = P_(31);
        const real djac_V__I_ion = (djac_V__I_CaL + djac_V__I_K1 + djac_V__I_Kr + djac_V__I_Ks + djac_V__I_Na + djac_V__I_NaCa + djac_V__I_NaK + djac_V__I_bCa + djac_V__I_bNa + djac_V__I_pK + djac_V__I_to);
        const real jac_V = (-djac_V__I_ion);
        new_V = M_(fabs)(jac_V) < L_(1e-12) ? V + h_ * rate_V : V + rate_V * M_(expm1)(jac_V * h_) / jac_V;
        const real djac_Ca_i__E_Ca = ((-L_(0.5)) * RTF / (Ca_i));
        const real djac_Ca_i__I_NaCa = (-P_(26) * P_(21) * cube_(P_(8)) * M_(exp)((V * ((-L_(1.0)) + P_(22)) / (RTF))) / ((L_(1.0) + (P_(25) * M_(exp)((V * ((-L_(1.0)) + P_(22)) / (RTF))))) * (P_(9) + P_(23)) * (cube_(P_(24)) + cube_(P_(8)))));
        const real djac_Ca_i__I_pCa = ((P_(27) / ((Ca_i + P_(28)))) + (-Ca_i * P_(27) / (sq_((Ca_i + P_(28))))));
        const real djac_Ca_i__I_bCa = (-djac_Ca_i__E_Ca * P_(31));
        const real djac_Ca_i__I_up = (L_(2.0) * P_(32) * sq_(P_(33)) / (cube_(Ca_i) * sq_((L_(1.0) + (sq_(P_(33)) / (sq_(Ca_i)))))));
        const real djac_Ca_i__I_leak = (-P_(35));
        const real djac_Ca_i__I_xfer = (-P_(36));
        const real djac_Ca_i__Ca_i_buf = (L_(2.0) * P_(44) * P_(45) / (sq_((L_(1.0) + (P_(44) * P_(45) / (sq_((Ca_i + P_(45))))))) * cube_((Ca_i + P_(45)))));
        const real jac_Ca_i = ((Ca_i_buf * djac_Ca_i__I_xfer) + (djac_Ca_i__Ca_i_buf * (I_xfer + (P_(5) * (I_leak + (-I_up)) / (P_(4))) + ((-L_(0.5)) * P_(3) * (I_bCa + I_pCa + ((-L_(2.0)) * I_NaCa)) / (P_(2) * P_(4))))) + (Ca_i_buf * P_(5) * djac_Ca_i__I_leak / (P_(4))) + (-Ca_i_buf * P_(5) * djac_Ca_i__I_up / (P_(4))) + (Ca_i_buf * P_(3) * djac_Ca_i__I_NaCa / (P_(2) * P_(4))) + ((-L_(0.5)) * Ca_i_buf * P_(3) * djac_Ca_i__I_bCa / (P_(2) * P_(4))) + ((-L_(0.5)) * Ca_i_buf * P_(3) * djac_Ca_i__I_pCa / (P_(2) * P_(4))));
        new_Ca_i = M_(fabs)(jac_Ca_i) < L_(1e-12) ? Ca_i + h_ * rate_Ca_i : Ca_i + rate_Ca_i * M_(expm1)(jac_Ca_i * h_) / jac_Ca_i;
        const real djac_Ca_SR__kcasr = ((-L_(2.0)) * sq_(P_(41)) * (P_(42) + (-P_(43))) / (cube_(Ca_SR) * sq_((L_(1.0) + (sq_(P_(41)) / (sq_(Ca_SR)))))));
        const real djac_Ca_SR__k1 = (-djac_Ca_SR__kcasr * P_(37) / (sq_(kcasr)));
        const real djac_Ca_SR__O = (djac_Ca_SR__k1 * ((R_prime * sq_(Ca_ss) / ((P_(39) + (k1 * sq_(Ca_ss))))) + (-R_prime * k1 * quart_(Ca_ss) / (sq_((P_(39) + (k1 * sq_(Ca_ss))))))));
        const real djac_Ca_SR__I_rel = ((O * P_(34)) + (P_(34) * djac_Ca_SR__O * (Ca_SR + (-Ca_ss))));
        const real djac_Ca_SR__I_leak = P_(35);
        const real djac_Ca_SR__Ca_sr_buf = (L_(2.0) * P_(46) * P_(47) / (sq_((L_(1.0) + (P_(46) * P_(47) / (sq_((Ca_SR + P_(47))))))) * cube_((Ca_SR + P_(47)))));
        const real jac_Ca_SR = ((djac_Ca_SR__Ca_sr_buf * (I_up + (-I_leak) + (-I_rel))) + (-Ca_sr_buf * djac_Ca_SR__I_leak) + (-Ca_sr_buf * djac_Ca_SR__I_rel));
        new_Ca_SR = M_(fabs)(jac_Ca_SR) < L_(1e-12) ? Ca_SR + h_ * rate_Ca_SR : Ca_SR + rate_Ca_SR * M_(expm1)(jac_Ca_SR * h_) / jac_Ca_SR;
        const real djac_Ca_ss__I_CaL = (L_(0.5) * P_(2) * d * f * f2 * fCass * P_(17) * ghk2 * M_(exp)((L_(2.0) * VF)));
        const real djac_Ca_ss__O = (((-L_(2.0)) * R_prime * cube_(Ca_ss) * sq_(k1) / (sq_((P_(39) + (k1 * sq_(Ca_ss)))))) + (L_(2.0) * Ca_ss * R_prime * k1 / ((P_(39) + (k1 * sq_(Ca_ss))))));
        const real djac_Ca_ss__I_rel = ((-O * P_(34)) + (P_(34) * djac_Ca_ss__O * (Ca_SR + (-Ca_ss))));
        const real djac_Ca_ss__I_xfer = P_(36);
        const real djac_Ca_ss__Ca_ss_buf = (L_(2.0) * P_(48) * P_(49) / (sq_((L_(1.0) + (P_(48) * P_(49) / (sq_((Ca_ss + P_(49))))))) * cube_((Ca_ss + P_(49)))));
        const real jac_Ca_ss = ((djac_Ca_ss__Ca_ss_buf * ((I_rel * P_(5) / (P_(6))) + (-I_xfer * P_(4) / (P_(6))) + ((-L_(0.5)) * P_(3) * I_CaL / (P_(2) * P_(6))))) + (Ca_ss_buf * P_(5) * djac_Ca_ss__I_rel / (P_(6))) + (-Ca_ss_buf * P_(4) * djac_Ca_ss__I_xfer / (P_(6))) + ((-L_(0.5)) * Ca_ss_buf * P_(3) * djac_Ca_ss__I_CaL / (P_(2) * P_(6))));
        new_Ca_ss = M_(fabs)(jac_Ca_ss) < L_(1e-12) ? Ca_ss + h_ * rate_Ca_ss : Ca_ss + rate_Ca_ss * M_(expm1)(jac_Ca_ss * h_) / jac_Ca_ss;
        const real djac_Na_i__E_Na = (-RTF / (Na_i));
        const real djac_Na_i__I_Na = (-djac_Na_i__E_Na * P_(11) * h * j * cube_(m));
        const real djac_Na_i__I_NaK = ((P_(7) * P_(18) / ((P_(19) + P_(7)) * (P_(20) + Na_i) * (L_(1.0) + (L_(0.0353) * M_(exp)((-V / (RTF)))) + (L_(0.1245) * M_(exp)(((-L_(0.1)) * V / (RTF))))))) + (-P_(7) * Na_i * P_(18) / ((P_(19) + P_(7)) * sq_((P_(20) + Na_i)) * (L_(1.0) + (L_(0.0353) * M_(exp)((-V / (RTF)))) + (L_(0.1245) * M_(exp)(((-L_(0.1)) * V / (RTF))))))));
        const real djac_Na_i__I_NaCa = (L_(3.0) * P_(9) * P_(21) * sq_(Na_i) * M_(exp)((V * P_(22) / (RTF))) / ((L_(1.0) + (P_(25) * M_(exp)((V * ((-L_(1.0)) + P_(22)) / (RTF))))) * (P_(9) + P_(23)) * (cube_(P_(24)) + cube_(P_(8)))));
        const real djac_Na_i__I_bNa = (-djac_Na_i__E_Na * P_(30));
        const real jac_Na_i = ((-P_(3) * djac_Na_i__I_Na / (P_(2) * P_(4))) + (-P_(3) * djac_Na_i__I_bNa / (P_(2) * P_(4))) + ((-L_(3.0)) * P_(3) * djac_Na_i__I_NaCa / (P_(2) * P_(4))) + ((-L_(3.0)) * P_(3) * djac_Na_i__I_NaK / (P_(2) * P_(4))));
        new_Na_i = M_(fabs)(jac_Na_i) < L_(1e-12) ? Na_i + h_ * rate_Na_i : Na_i + rate_Na_i * M_(expm1)(jac_Na_i * h_) / jac_Na_i;
        const real djac_K_i__E_K = (-RTF / (K_i));
        const real djac_K_i__E_Ks = (-RTF / ((K_i + (Na_i * P_(16)))));
        const real djac_K_i__I_to = (-djac_K_i__E_K * P_(13) * r * s);
        const real djac_K_i__I_Kr = ((-L_(0.4303314829119352)) * Xr1 * Xr2 * djac_K_i__E_K * P_(14) * M_(sqrt)(P_(7)));
        const real djac_K_i__I_Ks = (-djac_K_i__E_Ks * P_(15) * sq_(Xs));
        const real djac_K_i__alpha_K1 = (L_(3.686527411996926e-08) * djac_K_i__E_K * M_(exp)(((L_(0.06) * V) + ((-L_(0.06)) * E_K))) / (sq_((L_(1.0) + (L_(6.14421235332821e-06) * M_(exp)(((L_(0.06) * V) + ((-L_(0.06)) * E_K))))))));
        const real djac_K_i__beta_K1 = (djac_K_i__E_K * (((((-L_(0.0006121208040160535)) * M_(exp)(((L_(0.0002) * V) + ((-L_(0.0002)) * E_K)))) + ((-L_(0.036787944117144235)) * M_(exp)(((L_(0.1) * V) + ((-L_(0.1)) * E_K))))) / ((L_(1.0) + M_(exp)(((L_(0.5) * E_K) + ((-L_(0.5)) * V)))))) + ((-L_(0.5)) * ((L_(0.36787944117144233) * M_(exp)(((L_(0.1) * V) + ((-L_(0.1)) * E_K)))) + (L_(3.0606040200802673) * M_(exp)(((L_(0.0002) * V) + ((-L_(0.0002)) * E_K))))) * M_(exp)(((L_(0.5) * E_K) + ((-L_(0.5)) * V))) / (sq_((L_(1.0) + M_(exp)(((L_(0.5) * E_K) + ((-L_(0.5)) * V)))))))));
        const real djac_K_i__xK1_inf = ((djac_K_i__alpha_K1 * ((L_(1.0) / (alpha_K1 + beta_K1)) + (-alpha_K1 / (sq_((alpha_K1 + beta_K1)))))) + (-alpha_K1 * djac_K_i__beta_K1 / (sq_((alpha_K1 + beta_K1)))));
        const real djac_K_i__I_K1 = ((L_(0.4303314829119352) * djac_K_i__xK1_inf * P_(12) * M_(sqrt)(P_(7)) * (V + (-E_K))) + ((-L_(0.4303314829119352)) * djac_K_i__E_K * P_(12) * xK1_inf * M_(sqrt)(P_(7))));
        const real djac_K_i__I_pK = (-djac_K_i__E_K * P_(29) / ((L_(1.0) + (L_(65.40521574193832) * M_(exp)(((-L_(0.16722408026755853)) * V))))));
        const real jac_K_i = ((-P_(3) * djac_K_i__I_K1 / (P_(2) * P_(4))) + (-P_(3) * djac_K_i__I_Kr / (P_(2) * P_(4))) + (-P_(3) * djac_K_i__I_Ks / (P_(2) * P_(4))) + (-P_(3) * djac_K_i__I_pK / (P_(2) * P_(4))) + (-P_(3) * djac_K_i__I_to / (P_(2) * P_(4))));
        new_K_i = M_(fabs)(jac_K_i) < L_(1e-12) ? K_i + h_ * rate_K_i : K_i + rate_K_i * M_(expm1)(jac_K_i * h_) / jac_K_i;
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
