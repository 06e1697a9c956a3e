# The optional libdtrace engine: built by scripts/build-native.js only when prereqs.js finds
# libdtrace; flags come from prereqs.js (standard paths or $HEAT_TRACER_LIBDTRACE_PREFIX).
{
  "targets": [
    {
      "target_name": "heat_libdtrace",
      "sources": ["addon.cc", "js.cc", "setup-ops.cc", "work-ops.cc", "records.cc", "buckets.cc"],
      "include_dirs": ["<!@(node prereqs.js include_dirs)"],
      "defines": ["<!@(node prereqs.js defines)", "_FILE_OFFSET_BITS=64"],
      "libraries": ["<!@(node prereqs.js libraries)"],
      "ldflags": ["<!@(node prereqs.js ldflags)"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wno-missing-field-initializers"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_LDFLAGS": ["<!@(node prereqs.js ldflags)"]
      }
    }
  ]
}
