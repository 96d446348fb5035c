"""The study site: `invoke site` builds static HTML under site/ from the catalog, the named regions
of both sources, the recorded samples, the benchmarks and the errata (parity.site.build).

No request leaves the site: the style, the script and the search index are files beside the pages,
so it works from file:// and from any static host, and reads with JavaScript off.
"""

from parity.site.build import DEFAULT_OUT, SOURCE_URL_SETTING, SiteError, build, build_and_describe

__all__ = ["DEFAULT_OUT", "SOURCE_URL_SETTING", "SiteError", "build", "build_and_describe"]
