{
  "targets": [
    {
      "target_name": "spatialkit",
      "sources": [
        "<!@(node -p \"['cpu','napi'].flatMap(d => require('fs').readdirSync('native/' + d).filter(f => f.endsWith('.cc')).sort().map(f => 'native/' + d + '/' + f)).join(' ')\")"
      ],
      "include_dirs": ["native"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "defines": ["NAPI_VERSION=8", "SK_DRIVER_NS=sk::cpu"],
      "cflags_cc": ["<!@(node -p \"const f = require('./native/flags.json'); [...f.release, ...f.cxx, ...f.fp].join(' ')\")"],
      "cflags_cc!": ["-std=gnu++17", "-O2"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "OTHER_CPLUSPLUSFLAGS": ["<!@(node -p \"const f = require('./native/flags.json'); [...f.release, ...f.cxx, ...f.fp].join(' ')\")"]
      }
    }
  ]
}
