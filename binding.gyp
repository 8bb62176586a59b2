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
      "cflags_cc": ["-O3", "-std=c++17", "-fvisibility=hidden", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off", "-Wall", "-Wno-unused-function"],
      "cflags_cc!": ["-std=gnu++17", "-O2"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17", "-fvisibility=hidden", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off"]
      }
    }
  ]
}
