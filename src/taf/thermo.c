#include "taf/thermo.h"

#include <math.h>

static int near_one(double gamma) { return fabs(gamma - 1.0) < 1e-5; }

double taf_partition_Z(double gamma, double N)
{
    if (near_one(gamma))
        return log(N) + TAF_EULER_GAMMA;
    return (pow(N, 1 - gamma) - 1) / (1 - gamma) + 1;
}

double taf_mean_log_d(double gamma, double N)
{
    double Z = taf_partition_Z(gamma, N);
    if (Z <= 0)
        return 0.0;
    double integral;
    if (near_one(gamma)) {
        integral = pow(log(N), 2) / 2;
    } else {
        double g1 = 1.0 - gamma;
        integral = pow(N, g1) * (log(N) / g1 - 1 / pow(g1, 2)) + 1 / pow(g1, 2);
    }
    return integral / Z;
}

double taf_entropy_S(double gamma, double N)
{
    return log(taf_partition_Z(gamma, N)) + gamma * taf_mean_log_d(gamma, N);
}

double taf_free_energy_F(double gamma, double N)
{
    double Z = taf_partition_Z(gamma, N);
    if (!(Z > 1e-30))
        Z = 1e-30;
    return -log(Z) / (gamma > 1e-9 ? gamma : 1e-9);
}

double taf_heat_capacity_Cv(double gamma, double N)
{
    const double delta = 1e-4;
    if (gamma <= delta || gamma >= 20)
        return NAN;
    double dU = (taf_mean_log_d(gamma + delta, N) - taf_mean_log_d(gamma - delta, N)) /
                (2 * delta);
    return -pow(gamma, 2) * dU;
}

double taf_delta_H(double theta, double Df, double N)
{
    double s = sqrt(2.0);
    return log((theta + Df / s) / (theta + N / s));
}

double taf_theta_eff_pade(double theta, double T)
{
    return theta + T / sqrt(2.0);
}
