import "@shopify/ui-extensions/preact";
import { render } from "preact";
// Shared with the Thank you page; bundled into this extension by the CLI's esbuild.
import { OrderRewards } from "../../treue-checkout/src/OrderRewards";

// Target: customer-account.order-status.block.render (the buyer is logged in to their account).
export default async () => {
  render(<OrderStatus />, document.body);
};

function OrderStatus() {
  return <OrderRewards orderId={shopify.order.value?.id} />;
}
