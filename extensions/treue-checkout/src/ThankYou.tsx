import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { OrderRewards } from "./OrderRewards";

// Target: purchase.thank-you.block.render (the buyer has just paid; the order exists).
export default async () => {
  render(<ThankYou />, document.body);
};

function ThankYou() {
  return <OrderRewards orderId={shopify.orderConfirmation.value?.order?.id} />;
}
