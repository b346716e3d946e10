/* Tool version and the version of the TAF formula contract it implements
 * (upstream TAF Agent v0.13 formulas + the X-2 measured-γ contract). Both
 * go into every card's provenance. */
#ifndef TAF_VERSION_H
#define TAF_VERSION_H
#define TAFCARD_VERSION "0.1.0"
#define TAF_FORMULA_VERSION "taf-browser-0.13"
#endif
