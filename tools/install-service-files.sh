#!/bin/sh
# install-service-files.sh DESTDIR SBINDIR SYSCONFDIR
# Called by `make install`: installs odservice's systemd unit (with the real
# path of odservice in ExecStart), the example OpenDentalWebConfig.xml (an
# existing configuration is never touched) and the logrotate snippet.
set -eu
if [ $# -ne 3 ]; then
    echo "usage: $0 DESTDIR SBINDIR SYSCONFDIR" >&2
    exit 1
fi
destdir=$1 sbindir=$2 sysconfdir=$3
top=$(cd "$(dirname "$0")/.." && pwd)
dist=$top/dist

case $sbindir in
    /*) ;;
    *) echo "$0: SBINDIR must be an absolute path, not '$sbindir'" >&2; exit 1 ;;
esac
case $sbindir in
    *[\|\&\\]*) echo "$0: SBINDIR '$sbindir' has a character sed cannot take" >&2; exit 1 ;;
esac

unitdir=$destdir/lib/systemd/system
confdir=$destdir$sysconfdir/odapi
rotdir=$destdir/etc/logrotate.d

install -d "$unitdir" "$confdir" "$rotdir"
sed "s|@SBINDIR@|$sbindir|g" "$dist/systemd/odservice.service" > "$unitdir/odservice.service.tmp"
chmod 644 "$unitdir/odservice.service.tmp"
mv "$unitdir/odservice.service.tmp" "$unitdir/odservice.service"
echo "installed $unitdir/odservice.service"

install -m 644 "$dist/odapi/OpenDentalWebConfig.xml.example" "$confdir/"
if [ -e "$confdir/OpenDentalWebConfig.xml" ]; then
    echo "kept the existing $confdir/OpenDentalWebConfig.xml"
else
    echo "installed $confdir/OpenDentalWebConfig.xml.example (copy it to OpenDentalWebConfig.xml and edit it)"
fi

install -m 644 "$dist/logrotate/odservice" "$rotdir/odservice"
echo "installed $rotdir/odservice"
