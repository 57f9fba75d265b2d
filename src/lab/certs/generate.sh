#!/bin/sh
# Regenerates the lab's committed TLS material. These are throwaway keys for a loopback-only simulator:
# they protect nothing and must never be trusted anywhere. Each certificate copies the *public* subject /
# issuer strings a vendor's factory certificate is known to carry (sources in src/lab/personas.ts).
# RSA 2048, SHA-256, long validity, back-dated notBefore (real factory certs are old), UTF-8 DNs
# (the Dahua issuer contains U+00A0 no-break spaces, as observed in the field).
set -eu
cd "$(dirname "$0")"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cat > "$T/ca.cnf" <<CNF
[ ca ]
default_ca = lab
[ lab ]
database = $T/index.txt
new_certs_dir = $T
serial = $T/serial
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
email_in_dn = no
preserve = yes
[ anything ]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
commonName = optional
[ v3_selfsigned ]
basicConstraints = CA:TRUE
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_leaf ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
CNF
: > "$T/index.txt"
echo 1000 > "$T/serial"

# selfsigned NAME "SUBJECT" STARTDATE ENDDATE [EXT]
selfsigned() {
  openssl req -new -newkey rsa:2048 -nodes -utf8 -keyout "$1.key" -subj "$2" -out "$T/$1.csr" 2>/dev/null
  openssl ca -batch -config "$T/ca.cnf" -selfsign -utf8 -keyfile "$1.key" -in "$T/$1.csr" -out "$1.pem" \
    -startdate "$3" -enddate "$4" -extensions "${5:-v3_selfsigned}" -notext 2>/dev/null
}
# signed NAME "SUBJECT" CA STARTDATE ENDDATE
signed() {
  openssl req -new -newkey rsa:2048 -nodes -utf8 -keyout "$1.key" -subj "$2" -out "$T/$1.csr" 2>/dev/null
  openssl ca -batch -config "$T/ca.cnf" -utf8 -cert "$3.pem" -keyfile "$3.key" -in "$T/$1.csr" -out "$1.pem" \
    -startdate "$4" -enddate "$5" -extensions v3_leaf -notext 2>/dev/null
}

# Hikvision factory certificate (recog x509_subjects): subject == issuer.
selfsigned hikvision '/C=CN/ST=ZheJiang/L=HangZhou/O=HIKVISION/OU=DVRNVR/CN=www.hikvision.com' 20140609000000Z 20440601000000Z
# Dahua: device cert CN=<device IP> issued by the "Dahua Device NVR CA" (D4-project/Plum-Island#204; NBSPs kept).
NB=$(printf '\302\240')
selfsigned dahua-ca "/C=CN/ST=Zhejiang/L=Hangzhou/O=Zhejiang${NB}Dahua${NB}Technology${NB}Co.,Ltd./CN=Dahua${NB}Device${NB}NVR${NB}CA" 20170101000000Z 20470101000000Z v3_ca
signed dahua '/C=CN/CN=192.168.1.108' dahua-ca 20190520000000Z 20490512000000Z
# Axis factory certificate style (recog: CN=axis-<mac12>, O=Axis Communications AB).
selfsigned axis '/O=Axis Communications AB/CN=axis-accc8e012345' 20200114000000Z 20500107000000Z
# Bosch (recog: O=Bosch Sicherheitssysteme GmbH, OU=ST-VS, CN=<MAC with dashes>).
selfsigned bosch '/C=DE/O=Bosch Sicherheitssysteme GmbH/OU=ST-VS/CN=00-07-5f-9a-12-34' 20180301000000Z 20480222000000Z
# HP printer embedded web server self-signed certificate (CN = default host name NPIxxxxxx; illustrative).
selfsigned hp '/CN=NPI7A2B3C/O=HP' 20210810000000Z 20410805000000Z
rm -f dahua-ca.key  # the CA key is only needed while signing
chmod 644 ./*.key ./*.pem  # throwaway lab keys: readable by the unprivileged user running the lab
