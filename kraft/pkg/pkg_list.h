// `kraft pkg ls [--all]` (kraft-cli.md §10.4): the local package store as kraftkit's table
// TYPE NAME VERSION FORMAT CREATED UPDATED PULLED MANIFEST INDEX PLAT SIZE (digests cut to 24
// hex characters + "...", times relative, PULLED empty: nothing here was pulled).
#pragma once

#include <ostream>

namespace kraft {

int ListPackages(bool all, std::ostream& out);

}  // namespace kraft
