# The native eBPF engine (optional): BPF objects compiled with clang -target bpf, and the
# N-API loader linking libbpf. Built by scripts/build-native.js when prereqs.js finds nothing
# missing; both land in build/Release/, where src/sources/ebpf.ts looks for them.
{
  'targets': [
    {
      'target_name': 'heat_bpf_objects',
      'type': 'none',
      'sources': ['syscall.bpf.c', 'io.bpf.c', 'runq.bpf.c'],
      'rules': [
        {
          'rule_name': 'bpf_object',
          'extension': 'c',
          'inputs': ['heat.bpf.h', 'heat-layout.h'],
          'outputs': ['<(PRODUCT_DIR)/<(RULE_INPUT_ROOT).o'],
          'action': [
            'clang', '-O2', '-g', '-target', 'bpf', '-mcpu=v3', '-Wall', '-Werror',
            '-idirafter', '/usr/include/<!(node -p "require(\'./prereqs.js\').multiarch()")',
            '-c', '<(RULE_INPUT_PATH)', '-o', '<@(_outputs)',
          ],
          'message': 'BPF <(RULE_INPUT_NAME)',
        },
      ],
    },
    {
      'target_name': 'heat_ebpf',
      'dependencies': ['heat_bpf_objects'],
      'sources': ['heat_ebpf.c', 'heat_loader.c'],
      'cflags': ['-std=gnu11', '-Wall', '-Wextra', '-Wno-unused-parameter'],
      'libraries': ['-lbpf'],
    },
  ],
}
