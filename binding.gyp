# node-gyp build of the native decoder: native/core as a static library that knows nothing of
# Node, and the goheap_native addon (native/addon.cc) linked against it.
# Built by scripts/install-native.js (npm's install script; never fails the install).
{
  'target_defaults': {
    'cflags_cc!': ['-std=gnu++17', '-fno-exceptions', '-O2'],
    'cflags_cc': ['-std=c++17', '-fexceptions', '-O3', '-fvisibility=hidden'],
    'xcode_settings': {
      'CLANG_CXX_LANGUAGE_STANDARD': 'c++17',
      'GCC_ENABLE_CPP_EXCEPTIONS': 'YES',
      'GCC_OPTIMIZATION_LEVEL': '3',
      'GCC_SYMBOLS_PRIVATE_EXTERN': 'YES',
    },
    'msvs_settings': {
      'VCCLCompilerTool': {
        'AdditionalOptions': ['/std:c++17'],
        'ExceptionHandling': 1,
        'Optimization': 2,
      },
    },
  },
  'targets': [
    {
      'target_name': 'goheap_core',
      'type': 'static_library',
      'sources': ['native/core/decoder.cc', 'native/core/graph.cc', 'native/core/scan.cc'],
      'direct_dependent_settings': {
        'include_dirs': ['native'],
      },
    },
    {
      'target_name': 'goheap_native',
      'sources': ['native/addon.cc'],
      'dependencies': [
        'goheap_core',
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except",
      ],
      # A worker thread terminated while a decode runs must not abort the process: errors that
      # can no longer be thrown into a dying environment are dropped (node-addon-api's switch).
      'defines': ['NAPI_VERSION=8', 'NODE_ADDON_API_DISABLE_DEPRECATED', 'NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS'],
    },
  ],
}
