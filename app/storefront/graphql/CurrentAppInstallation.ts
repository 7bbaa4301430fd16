// The app's installation on the shop: the owner of app-data metafields (storefront/earning-metafield.server.ts).
export const CURRENT_APP_INSTALLATION_QUERY = `#graphql
  query CurrentAppInstallation {
    currentAppInstallation {
      id
    }
  }
` as const;
