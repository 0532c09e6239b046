#!/bin/sh
# install-service-files.sh DESTDIR SBINDIR SYSCONFDIR [UNITDIR]
# Called by `make install-service`: installs odservice's systemd unit (with
# the real paths of odservice and of its configuration in ExecStart) in
# UNITDIR (default /lib/systemd/system), the example OpenDentalWebConfig.xml
# in SYSCONFDIR/odapi (an existing configuration is never touched) and the
# logrotate snippet in SYSCONFDIR/logrotate.d.
set -eu
if [ $# -ne 3 ] && [ $# -ne 4 ]; then
    echo "usage: $0 DESTDIR SBINDIR SYSCONFDIR [UNITDIR]" >&2
    exit 1
fi
destdir=$1 sbindir=$2 sysconfdir=$3 unitdir=${4:-/lib/systemd/system}
top=$(cd "$(dirname "$0")/.." && pwd)
dist=$top/dist

for var in SBINDIR SYSCONFDIR UNITDIR; do
    case $var in
        SBINDIR) val=$sbindir ;; SYSCONFDIR) val=$sysconfdir ;; *) val=$unitdir ;;
    esac
    case $val in
        /*) ;;
        *) echo "$0: $var must be an absolute path, not '$val'" >&2; exit 1 ;;
    esac
    case $val in
        *[\|\&\\\ ]*) echo "$0: $var '$val' has a character sed or systemd cannot take" >&2; exit 1 ;;
    esac
done

subst() { sed -e "s|@SBINDIR@|$sbindir|g" -e "s|@SYSCONFDIR@|$sysconfdir|g" "$1"; }

unitdir=$destdir$unitdir
confdir=$destdir$sysconfdir/odapi
rotdir=$destdir$sysconfdir/logrotate.d

install -d "$unitdir" "$confdir" "$rotdir"
subst "$dist/systemd/odservice.service" > "$unitdir/odservice.service.tmp"
chmod 644 "$unitdir/odservice.service.tmp"
mv "$unitdir/odservice.service.tmp" "$unitdir/odservice.service"
echo "installed $unitdir/odservice.service"

subst "$dist/odapi/OpenDentalWebConfig.xml.example" > "$confdir/OpenDentalWebConfig.xml.example.tmp"
chmod 644 "$confdir/OpenDentalWebConfig.xml.example.tmp"
mv "$confdir/OpenDentalWebConfig.xml.example.tmp" "$confdir/OpenDentalWebConfig.xml.example"
if [ -e "$confdir/OpenDentalWebConfig.xml" ]; then
    echo "kept the existing $confdir/OpenDentalWebConfig.xml"
else
    echo "installed $confdir/OpenDentalWebConfig.xml.example (copy it to OpenDentalWebConfig.xml and edit it)"
fi

install -m 644 "$dist/logrotate/odservice" "$rotdir/odservice"
echo "installed $rotdir/odservice"
