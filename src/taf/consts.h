/* Mathematical constants as the reference's Python `math` module has them
 * (M_PI and M_E are not part of strict C17). */
#ifndef TAF_CONSTS_H
#define TAF_CONSTS_H
#define TAF_PI 3.141592653589793
#define TAF_E 2.718281828459045
#endif
