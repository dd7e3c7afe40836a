// net/windows_roots.h: compiled on Windows only (empty elsewhere).
#ifdef _WIN32
#include "net/windows_roots.h"

#include <winsock2.h>  // before windows.h, as Asio needs
#include <windows.h>
#include <wincrypt.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace okta_bulk {

bool AddWindowsRootCertificates(SSL_CTX* ctx, std::string* error) {
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  int opened = 0;
  for (DWORD location : {CERT_SYSTEM_STORE_CURRENT_USER, CERT_SYSTEM_STORE_LOCAL_MACHINE}) {
    HCERTSTORE roots = ::CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
                                       location | CERT_STORE_READONLY_FLAG, L"ROOT");
    if (!roots) continue;
    ++opened;
    PCCERT_CONTEXT cert = nullptr;
    while ((cert = ::CertEnumCertificatesInStore(roots, cert)) != nullptr) {
      const unsigned char* der = cert->pbCertEncoded;
      X509* x509 = d2i_X509(nullptr, &der, static_cast<long>(cert->cbCertEncoded));
      if (!x509) continue;  // a certificate OpenSSL cannot read is one it cannot use
      X509_STORE_add_cert(store, x509);  // a duplicate (in both stores) is not an error
      X509_free(x509);
    }
    ::CertCloseStore(roots, 0);
  }
  if (opened == 0) {
    *error = "CertOpenStore(ROOT) failed with error " + std::to_string(::GetLastError());
    return false;
  }
  return true;
}

}  // namespace okta_bulk
#endif  // _WIN32
