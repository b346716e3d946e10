/* Thermodynamic profile of a power-law attention distribution p(d) ∝ d^−γ
 * on d = 1..N (the diagnose CLI's definitions, with the Euler–Mascheroni
 * term at γ = 1 and the physical free energy F = −log Z/γ). Pure. */
#ifndef TAF_THERMO_H
#define TAF_THERMO_H

#define TAF_EULER_GAMMA 0.5772156649015329

double taf_partition_Z(double gamma, double N);
double taf_mean_log_d(double gamma, double N);      /* U = E[log d] */
double taf_entropy_S(double gamma, double N);
double taf_free_energy_F(double gamma, double N);
/* C_V = −γ²·∂U/∂γ by central difference (δ = 1e−4); NaN when γ ≤ δ or
 * γ ≥ 20. */
double taf_heat_capacity_Cv(double gamma, double N);
/* ΔH = log((θ + D_f/√2)/(θ + N/√2)). */
double taf_delta_H(double theta, double Df, double N);
/* θ_eff = θ + T/√2. */
double taf_theta_eff_pade(double theta, double T);

#endif
