#!/bin/bash
# qemu-cmdline.sh: print the QEMU argv (one argument per line) that boots a ukc-emu guest.
# The C++ QemuVmm builds the same list; this script is the reference recipe.
#
#   qemu-cmdline.sh --kernel FILE --initrd FILE [--memory MB] [--cpus N]
#                   [--port HOSTPORT:GUESTPORT]... [--serial FILE] [--qmp SOCKET]
#                   [--machine microvm|q35] [--accel tcg|kvm] [--append "EXTRA CMDLINE"]
#                   [--tsc-khz N] [--bios FILE]
#
# --kernel should be the PVH vmlinux (vmlinux= of kernel/fetch-kernel.sh); a bzImage works too
# but costs ~1 s of in-guest decompression under TCG.
# --tsc-khz: microvm+TCG only; default: host "cpu MHz" from /proc/cpuinfo (the TCG guest TSC is
# the host TSC). --bios: microvm default /usr/share/qemu/qboot.rom when present.
#
# Defaults: --memory 256 --cpus 1 --machine microvm --accel tcg.
# Usage from bash:  mapfile -t ARGS < <(qemu-cmdline.sh ...); qemu-system-x86_64 "${ARGS[@]}"
set -euo pipefail
BIOS= TSC_KHZ= KERNEL= INITRD= MEM=256 CPUS=1 SERIAL= QMP= MACHINE=microvm ACCEL=tcg EXTRA=
PORTS=()
while [ $# -gt 0 ]; do
  case $1 in
    --kernel) KERNEL=$2; shift 2 ;;
    --initrd) INITRD=$2; shift 2 ;;
    --memory) MEM=$2; shift 2 ;;
    --cpus) CPUS=$2; shift 2 ;;
    --port) PORTS+=("$2"); shift 2 ;;
    --serial) SERIAL=$2; shift 2 ;;
    --qmp) QMP=$2; shift 2 ;;
    --machine) MACHINE=$2; shift 2 ;;
    --accel) ACCEL=$2; shift 2 ;;
    --append) EXTRA=$2; shift 2 ;;
    --tsc-khz) TSC_KHZ=$2; shift 2 ;;
    --bios) BIOS=$2; shift 2 ;;
    *) echo "qemu-cmdline: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$KERNEL" ] && [ -n "$INITRD" ] || { sed -n '2,12p' "$0" >&2; exit 2; }

# Kernel command line: serial console only, quiet, no probing of hardware that is not there.
CMDLINE="console=ttyS0 quiet panic=-1 reboot=t tsc=reliable no_timer_check 8250.nr_uarts=1 i8042.noaux i8042.nomux i8042.nopnp i8042.dumbkbd cryptomgr.notests random.trust_cpu=on init_on_alloc=0 rcupdate.rcu_expedited=1"

netdev="user,id=net0"
for p in "${PORTS[@]+"${PORTS[@]}"}"; do
  netdev+=",hostfwd=tcp:127.0.0.1:${p%%:*}-:${p##*:}"
done

args=(-nodefaults -no-user-config -display none -no-reboot)
case $ACCEL in
  kvm) args+=(-accel kvm -cpu host) ;;
  tcg) args+=(-accel tcg -cpu max) ;;
  *) echo "qemu-cmdline: --accel must be tcg or kvm" >&2; exit 2 ;;
esac
case $MACHINE in
  microvm)
    # virtio-mmio transports, ACPI (for power-off and the power button), no PCI, no legacy PC devices
    # but the PIT/PIC the Debian kernel needs to calibrate and route its timer under TCG.
    args+=(-M microvm,pit=on,pic=on,rtc=on,isa-serial=on,acpi=on,pcie=off)
    # microvm has no HPET/ACPI PM timer, so under TCG the kernel often fails to calibrate the TSC
    # against the PIT and then hangs. Under TCG the guest TSC is the host TSC: pass its rate.
    if [ "$ACCEL" = tcg ] && [ -z "$TSC_KHZ" ]; then
      TSC_KHZ=$(awk -F': *' '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
    fi
    CMDLINE+=" pci=off${TSC_KHZ:+ tsc_early_khz=$TSC_KHZ}"
    # qboot (Debian: qemu-system-data) is the smallest firmware that can start a PVH kernel;
    # Debian's default microvm firmware is a SeaBIOS build.
    [ -z "$BIOS" ] && [ -f /usr/share/qemu/qboot.rom ] && BIOS=/usr/share/qemu/qboot.rom
    [ -n "$BIOS" ] && args+=(-bios "$BIOS")
    args+=(-netdev "$netdev" -device virtio-net-device,netdev=net0)
    ;;
  q35)
    args+=(-M q35 -netdev "$netdev" -device virtio-net-pci,netdev=net0,romfile=)
    ;;
  *) echo "qemu-cmdline: --machine must be microvm or q35" >&2; exit 2 ;;
esac
args+=(-m "$MEM" -smp "$CPUS" -kernel "$KERNEL" -initrd "$INITRD" -append "$CMDLINE${EXTRA:+ $EXTRA}")
if [ -n "$SERIAL" ]; then args+=(-serial "file:$SERIAL"); else args+=(-serial stdio); fi
if [ -n "$QMP" ]; then args+=(-qmp "unix:$QMP,server=on,wait=off"); fi
printf '%s\n' "${args[@]}"
