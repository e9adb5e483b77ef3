# Devices of the d1 QEMU build (x86_64-softmmu, --without-default-devices).
CONFIG_Q35=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_9P=y
CONFIG_PCIE_PORT=y
CONFIG_VTD=y
CONFIG_D1_DIP=y
